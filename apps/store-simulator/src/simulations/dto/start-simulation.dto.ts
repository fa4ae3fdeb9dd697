/**
 * Body of `POST /api/simulations`, validated by the global ValidationPipe
 * (whitelist + forbidNonWhitelisted): a bad or unknown field is a 400 whose
 * message names it.
 */
import { IsIn, IsInt, IsISO8601, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { BACKENDS, type Backend } from '../../publishing/transaction-publisher';

/** Largest seed: the generator takes an unsigned 32-bit integer. */
export const MAX_SEED = 0xffff_ffff;

/** What to simulate. Every field but `backend` is optional. */
export class StartSimulationDto {
  /** Transactions to send; without it the simulation runs until stopped. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  count?: number;

  /** Transactions per second; without it as fast as the backend acknowledges (or the default rate when unbounded). */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.1)
  @Max(1_000_000)
  ratePerSec?: number;

  /** Number of stores (default 5). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  stores?: number;

  /** Number of distinct items (default 20). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  skus?: number;

  /** Seed of the scenario; the same seed sends the same transactions, ids included. Random when omitted. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_SEED)
  seed?: number;

  /**
   * Event time of the scenario's start, ISO-8601 with a zone. Shifts the
   * timestamps only: ids and contents stay those of the seed. Default: now-based
   * (a counted run ends now; an endless one starts now and never stamps the
   * future). The run's status reports the start it used, for an exact replay.
   * A time older than the topics' retention makes Kafka delete the records
   * (see the README).
   */
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  startTime?: string;

  /** Where to send: `kafka`, or `mq` (through the MQ bridge). */
  @IsIn(BACKENDS)
  backend!: Backend;
}

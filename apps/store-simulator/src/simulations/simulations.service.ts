/**
 * Starts, tracks and stops simulations. Runs live in memory: a simulation is
 * a load generator, not a record of business facts, and the transactions it
 * sent are in Kafka. Finished runs are kept for status queries up to a bound.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { simulatorConfig, type SimulatorSettings } from '../config/simulator.config';
import { SimulatorMetrics } from '../metrics/simulator-metrics';
import { TRANSACTION_PUBLISHERS, type TransactionPublisher } from '../publishing/transaction-publisher';
import { MAX_SEED, type StartSimulationDto } from './dto/start-simulation.dto';
import { BackendNotAvailableError, SimulationLimitError, SimulationNotFoundError } from './simulation-errors';
import { SimulationRun, type SimulationSpec } from './simulation-run';

/** Stores and items of a scenario when the request does not say. */
export const DEFAULT_STORES = 5;
/** See {@link DEFAULT_STORES}. */
export const DEFAULT_SKUS = 20;

/** The simulations of this process. */
@Injectable()
export class SimulationsService implements OnModuleDestroy {
  private readonly logger = new Logger(SimulationsService.name);
  private readonly runs = new Map<string, SimulationRun>();

  constructor(
    @Inject(TRANSACTION_PUBLISHERS) private readonly publishers: TransactionPublisher[],
    @Inject(simulatorConfig.KEY) private readonly settings: SimulatorSettings,
    private readonly metrics: SimulatorMetrics,
  ) {}

  /**
   * Starts a simulation and returns at once; it runs in the background.
   * @throws BackendNotAvailableError when no publisher serves `request.backend`.
   * @throws SimulationLimitError when `count` exceeds `SIMULATOR_MAX_COUNT`.
   */
  start(request: StartSimulationDto): SimulationRun {
    const publisher = this.publishers.find((p) => p.backend === request.backend);
    if (!publisher) throw new BackendNotAvailableError(request.backend);
    if (request.count !== undefined && request.count > this.settings.maxCount) {
      throw new SimulationLimitError(
        'count',
        `must not be greater than ${this.settings.maxCount} (SIMULATOR_MAX_COUNT)`,
      );
    }
    const spec: SimulationSpec = {
      backend: request.backend,
      seed: request.seed ?? randomInt(0, MAX_SEED + 1),
      stores: request.stores ?? DEFAULT_STORES,
      skus: request.skus ?? DEFAULT_SKUS,
      batchSize: this.settings.batchSize,
      retryBudgetMs: this.settings.retryBudgetMs,
      ...(request.count === undefined ? {} : { count: request.count }),
      ...(request.startTime === undefined ? {} : { startTime: Date.parse(request.startTime) }),
      // An endless run without a rate would flood the backend; give it the default rate.
      ...(request.ratePerSec !== undefined
        ? { ratePerSec: request.ratePerSec }
        : request.count === undefined
          ? { ratePerSec: this.settings.defaultRatePerSec }
          : {}),
    };
    const run = new SimulationRun(randomUUID(), spec, publisher, this.metrics);
    this.runs.set(run.id, run);
    this.logger.log({ msg: 'simulation started', simulation: run.status() });
    void run.done.then(() => {
      this.logger.log({ msg: 'simulation finished', simulation: run.status() });
      this.evictFinished();
    });
    return run;
  }

  /** @throws SimulationNotFoundError */
  get(id: string): SimulationRun {
    const run = this.runs.get(id);
    if (!run) throw new SimulationNotFoundError(id);
    return run;
  }

  /** Stops a run (a finished one stays as it is) and returns it once it has stopped. */
  async stop(id: string): Promise<SimulationRun> {
    const run = this.get(id);
    await run.stop();
    return run;
  }

  /** Stops every running simulation before the publishers disconnect (they do so in onApplicationShutdown). */
  async onModuleDestroy(): Promise<void> {
    const running = [...this.runs.values()].filter((r) => r.running);
    if (running.length > 0) this.logger.log(`stopping ${running.length} simulation(s)`);
    await Promise.all(running.map((r) => r.stop()));
  }

  private evictFinished(): void {
    const finished = [...this.runs.values()].filter((r) => !r.running);
    for (const run of finished.slice(0, Math.max(0, finished.length - this.settings.retainedRuns))) {
      this.runs.delete(run.id);
    }
  }
}

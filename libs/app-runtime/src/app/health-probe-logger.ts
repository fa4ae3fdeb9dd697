/**
 * The logger Terminus uses for the apps' health checks:
 * `TerminusModule.forRoot({ logger: HealthProbeLogger })`.
 */
import { Injectable, Logger, type LoggerService } from '@nestjs/common';

/**
 * Terminus logs every failing check at error level ("Health Check has
 * failed!"), so a readiness probe that is merely not ready yet (starting,
 * restoring its stores, a dependency away) printed a red error on every poll,
 * and a newcomer's first `./dev start` read as broken. The probe's own answer
 * (503, naming each failing check) is what runtimes act on, and what the
 * dashboards and alerts read; the failure is logged at debug.
 */
@Injectable()
export class HealthProbeLogger implements LoggerService {
  private readonly logger = new Logger('HealthCheck');

  log(message: unknown): void {
    this.logger.log(message);
  }

  warn(message: unknown): void {
    this.logger.warn(message);
  }

  error(message: unknown): void {
    this.logger.debug(message);
  }

  debug(message: unknown): void {
    this.logger.debug(message);
  }

  verbose(message: unknown): void {
    this.logger.verbose(message);
  }
}

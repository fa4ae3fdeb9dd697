/**
 * Terminus health indicators for Kafka: cluster connectivity (an admin
 * `describeCluster`, bounded by a timeout) and a client's lifecycle state.
 *
 * The class takes Terminus's `HealthIndicatorService` in its constructor
 * instead of being a decorated `@Injectable()`, so this library loads no
 * NestJS code at runtime (NestJS 12 ships ES modules only, and non-Nest users
 * of `@eda/kafka`, such as `libs/streams`, should not pay for it). Register it
 * in a Nest module with {@link kafkaHealthIndicatorProvider}.
 */
import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Admin } from 'kafkajs';
import type { ClientState, ClientStateProbe } from './client-state-probe';

/** Default bound of one connectivity check; readiness probes usually time out after 1 to 5 s. */
export const DEFAULT_KAFKA_HEALTH_TIMEOUT_MS = 3000;

/** Builds Terminus results about Kafka. */
export class KafkaHealthIndicator {
  constructor(private readonly health: HealthIndicatorService) {}

  /**
   * Up when the cluster answers `describeCluster` within `timeoutMs`, with the
   * broker count and controller id; down with the reason (or the timeout).
   * The admin is connected on first use; kafkajs makes later connects no-ops.
   * Create it with `kafka.admin({ retry: { retries: 0 } })`: the probe is the
   * retry loop, and a retrying connect would outlive the timeout.
   */
  reachable<const Key extends string>(
    key: Key,
    admin: Admin,
    timeoutMs = DEFAULT_KAFKA_HEALTH_TIMEOUT_MS,
  ): PromiseLike<HealthIndicatorResult<Key>> {
    return this.health
      .check(key)
      .attempt(async () => {
        await admin.connect();
        const cluster = await admin.describeCluster();
        return {
          clusterId: cluster.clusterId,
          brokers: cluster.brokers.length,
          controller: cluster.controller,
        };
      })
      .withTimeout(timeoutMs);
  }

  /**
   * Up while the probed client is in one of `healthy` states (a producer:
   * `connected`; a consumer: `joined`, usually), down otherwise with the state,
   * since when, and the crash message if any.
   */
  clientState<const Key extends string>(
    key: Key,
    probe: ClientStateProbe,
    healthy: readonly ClientState[],
  ): HealthIndicatorResult<Key> {
    const { state, since, error } = probe.current();
    const data = { state, since: since.toISOString(), ...(error === undefined ? {} : { message: error }) };
    return healthy.includes(state) ? this.health.check(key).up(data) : this.health.check(key).down(data);
  }
}

/**
 * A Nest provider for {@link KafkaHealthIndicator}; pass Terminus's
 * `HealthIndicatorService` class as `healthIndicatorService`:
 *
 * ```ts
 * providers: [kafkaHealthIndicatorProvider(HealthIndicatorService)]
 * ```
 */
export function kafkaHealthIndicatorProvider(
  healthIndicatorService: abstract new (...args: never[]) => unknown,
) {
  return {
    provide: KafkaHealthIndicator,
    useFactory: (health: HealthIndicatorService) => new KafkaHealthIndicator(health),
    inject: [healthIndicatorService],
  };
}

import { BridgeMetrics } from './bridge-metrics';

describe('BridgeMetrics', () => {
  it('counts bridged, poison and backed-out messages from batch reports', async () => {
    const metrics = new BridgeMetrics();
    metrics.recordBatch({
      outcome: 'committed',
      received: 5,
      handled: 3,
      movedToBackout: { INVALID_JSON: 1, BACKOUT_THRESHOLD: 1 },
      retries: 0,
      durationMs: 12,
    });
    metrics.recordBatch({
      outcome: 'backed-out',
      received: 4,
      handled: 0,
      movedToBackout: {},
      retries: 3,
      durationMs: 300,
    });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^mq_bridge_messages_bridged_total 3$/m);
    expect(text).toMatch(/^mq_bridge_messages_poison_total\{reason="INVALID_JSON"\} 1$/m);
    expect(text).toMatch(/^mq_bridge_messages_poison_total\{reason="BACKOUT_THRESHOLD"\} 1$/m);
    expect(text).toMatch(/^mq_bridge_messages_backed_out_total\{cause="backed-out"\} 4$/m);
    expect(text).toMatch(/^mq_bridge_batch_duration_seconds_count\{outcome="committed"\} 1$/m);
  });
});

import { metricNames } from './promql-metrics';

describe('metricNames', () => {
  it.each([
    ['up', ['up']],
    [
      'sum by (topic) (rate(kafka_topic_partition_current_offset{topic=~".+\\\\.dlq"}[5m]))',
      ['kafka_topic_partition_current_offset'],
    ],
    [
      'histogram_quantile(0.99, sum by (le) (rate(aggregator_streams_commit_duration_seconds_bucket[5m])))',
      ['aggregator_streams_commit_duration_seconds_bucket'],
    ],
    [
      '(aggregator_streams_running{namespace="eda"} == 0) and on (namespace, pod) (rate(aggregator_streams_restore_records_total[5m]) > 0)',
      ['aggregator_streams_running', 'aggregator_streams_restore_records_total'],
    ],
    [
      'sum(dashboard_alerting_partitions) < on() max(kafka_topic_partitions{topic="x"})',
      ['dashboard_alerting_partitions', 'kafka_topic_partitions'],
    ],
    ['eda:dlq_records:rate5m > 1', ['eda:dlq_records:rate5m']],
    ['absent(up{service="apicurio-registry"} == 1)', ['up']],
    ['rate(x_total[5m] offset 1h) or vector(0)', ['x_total']],
  ])('%s reads %j', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });
});

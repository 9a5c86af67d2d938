import { resourcesOf, synthEnvironment } from '../support/synth';

describe('source alarms', () => {
  const prod = synthEnvironment('prod');
  const alarm = (name: string) => resourcesOf(prod, 'aws_cloudwatch_metric_alarm').find((a) => a.alarm_name === name);

  it('alarms when a source fails or a metric is missing from a source, though the run still completes', () => {
    const own = { namespace: 'ContainerAnomalyDetector', dimensions: { service: 'detector', environment: 'prod' }, statistic: 'Sum', threshold: 0, comparison_operator: 'GreaterThanThreshold' };
    expect(alarm('cad-prod-source-errors')).toMatchObject({ ...own, metric_name: 'SourceErrors' });
    expect(alarm('cad-prod-source-metrics-degraded')).toMatchObject({ ...own, metric_name: 'SourceMetricsDegraded' });
  });
});

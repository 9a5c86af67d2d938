import { decodeJsonAttribute, onlyResource, resourcesOf, synthEnvironment } from '../support/synth';

describe('pipeline alarms and dashboard', () => {
  const prod = synthEnvironment('prod');
  const dev = synthEnvironment('dev');
  const alarm = (json: typeof prod, name: string) => resourcesOf(json, 'aws_cloudwatch_metric_alarm').find((a) => a.alarm_name === name)!;

  it('alarms on Lambda errors, throttles and duration near the timeout', () => {
    expect(alarm(prod, 'cad-prod-errors')).toMatchObject({ namespace: 'AWS/Lambda', metric_name: 'Errors', comparison_operator: 'GreaterThanThreshold', threshold: 0 });
    expect(alarm(prod, 'cad-prod-throttles')).toMatchObject({ metric_name: 'Throttles', threshold: 0 });
    expect(alarm(prod, 'cad-prod-duration-near-timeout')).toMatchObject({ metric_name: 'Duration', statistic: 'Maximum', threshold: 192_000 });
  });

  it('raises the heartbeat when no run succeeded for 15 minutes, treating silence as failure', () => {
    expect(alarm(prod, 'cad-prod-heartbeat')).toMatchObject({
      namespace: 'ContainerAnomalyDetector', metric_name: 'SuccessfulRuns', dimensions: { service: 'detector', environment: 'prod' },
      period: 900, threshold: 1, comparison_operator: 'LessThanThreshold', treat_missing_data: 'breaching',
    });
  });

  it('alarms on dead letters, alert delivery failures and (with an endpoint) endpoint errors and latency', () => {
    expect(alarm(prod, 'cad-prod-dead-letters')).toMatchObject({ namespace: 'AWS/SQS', metric_name: 'ApproximateNumberOfMessagesVisible', threshold: 0 });
    expect(alarm(prod, 'cad-prod-alert-delivery-failures')).toMatchObject({ namespace: 'AWS/SNS', metric_name: 'NumberOfNotificationsFailed' });
    expect(alarm(prod, 'cad-prod-endpoint-5xx')).toMatchObject({ namespace: 'AWS/SageMaker', metric_name: 'Invocation5XXErrors' });
    expect(alarm(prod, 'cad-prod-endpoint-latency')).toMatchObject({ metric_name: 'ModelLatency', extended_statistic: 'p99' });
    expect(alarm(dev, 'cad-dev-endpoint-5xx')).toBeUndefined();
  });

  // Defect 7: a failed publish left the run "successful" and DegradedRuns had no alarm.
  it('alarms on every degraded mode: degraded runs, a warming detector, a reset ledger', () => {
    const own = { namespace: 'ContainerAnomalyDetector', dimensions: { service: 'detector', environment: 'prod' }, period: 900, treat_missing_data: 'notBreaching' };
    expect(alarm(prod, 'cad-prod-degraded-runs')).toMatchObject({ ...own, metric_name: 'DegradedRuns', statistic: 'Sum', threshold: 2, comparison_operator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm(prod, 'cad-prod-detector-warming')).toMatchObject({ ...own, metric_name: 'DetectorWarming', statistic: 'Maximum', threshold: 1, comparison_operator: 'GreaterThanOrEqualToThreshold' });
    expect(alarm(prod, 'cad-prod-ledger-resets')).toMatchObject({ ...own, metric_name: 'LedgerResets', statistic: 'Sum', threshold: 0, comparison_operator: 'GreaterThanThreshold' });
  });

  // #14: a metric frozen at one value is reported and never scaled on; that it happens shows in a metric with its alarm.
  it('alarms on containers whose readings stopped changing', () => {
    expect(alarm(prod, 'cad-prod-frozen-readings')).toMatchObject({
      namespace: 'ContainerAnomalyDetector', metric_name: 'FrozenReadings', dimensions: { service: 'detector', environment: 'prod' },
      statistic: 'Maximum', period: 900, threshold: 0, comparison_operator: 'GreaterThanThreshold', treat_missing_data: 'notBreaching',
    });
  });

  // Review of #16: an incident whose service went missing from the data is held open with its capacity.
  it('alarms on an open incident whose service is missing from the data', () => {
    expect(alarm(prod, 'cad-prod-blind-incidents')).toMatchObject({
      namespace: 'ContainerAnomalyDetector', metric_name: 'BlindIncidents', statistic: 'Maximum', period: 900, threshold: 1, comparison_operator: 'GreaterThanOrEqualToThreshold',
    });
  });

  // Review of #16: a SageMaker endpoint that times out, throttles or is denied (none of them a 5xx) left
  // every run on the embedded fallback with only a metric to show for it.
  it('alarms when runs keep falling back from the endpoint to the embedded detector', () => {
    expect(alarm(prod, 'cad-prod-scorer-fallbacks')).toMatchObject({
      namespace: 'ContainerAnomalyDetector', metric_name: 'ScorerFallbacks', dimensions: { service: 'detector', environment: 'prod' },
      statistic: 'Sum', period: 900, threshold: 2, comparison_operator: 'GreaterThanOrEqualToThreshold', treat_missing_data: 'notBreaching',
    });
    expect(alarm(dev, 'cad-dev-scorer-fallbacks')).toBeUndefined();
  });

  it('sends every alarm and its recovery to the alert topic', () => {
    for (const a of resourcesOf(prod, 'aws_cloudwatch_metric_alarm')) {
      expect(a.alarm_actions).toEqual(['${aws_sns_topic.alerts_topic_3313844B.arn}']);
      expect(a.ok_actions).toEqual(['${aws_sns_topic.alerts_topic_3313844B.arn}']);
    }
  });

  it('draws one dashboard with the pipeline’s and the detector’s own metrics', async () => {
    const dashboard = onlyResource(prod, 'aws_cloudwatch_dashboard');
    expect(dashboard.dashboard_name).toBe('cad-prod-detector');
    const body = (await decodeJsonAttribute(dashboard.dashboard_body)) as { widgets: Array<{ properties: { title: string; metrics: string[][] } }> };
    const metrics = body.widgets.flatMap((w) => w.properties.metrics.map((m) => m[1]));
    expect(metrics).toEqual(expect.arrayContaining(['ContainersScored', 'Anomalies', 'ScaleActions', 'ScaleRestores', 'DetectorWarming', 'LedgerResets', 'ScorerFallbacks', 'CollectMs', 'Errors', 'Invocation5XXErrors']));
  });
});

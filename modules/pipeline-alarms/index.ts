import { Construct } from 'constructs';
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { detectorMetrics } from '../../src/config/naming';
import { jsonEncode } from '../encoding/json-encode';

export interface PipelineAlarmsProps {
  readonly environment: string;
  /** Start of every alarm and dashboard name, as for the construct's other resources (`<namePrefix>-<environment>-…`). */
  readonly namePrefix?: string;
  readonly region: string;
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly deadLetterQueueName: string;
  readonly alertTopicArn: string;
  readonly alertTopicName: string;
  readonly endpointName?: string;
  /** Endpoint model latency (microseconds, SageMaker's unit) above which the alarm fires. */
  readonly modelLatencyThresholdMicros?: number;
}

type AlarmSpec = Omit<CloudwatchMetricAlarmConfig, 'alarmActions' | 'okActions' | 'alarmName'> & { name: string };

/** One widget: [namespace, metric, ...dimension pairs] rows as CloudWatch's dashboard body expects. */
interface MetricWidget {
  type: 'metric';
  width: number;
  height: number;
  properties: { title: string; region: string; stat: string; period: number; view: 'timeSeries'; metrics: string[][] };
}

/**
 * Alarms on the pipeline itself, all to the alert topic, and one dashboard per
 * environment. The heartbeat treats missing data as breaching: a detector that
 * stops running is the failure nobody would otherwise notice.
 */
export class PipelineAlarms extends Construct {
  public readonly alarms: CloudwatchMetricAlarm[];
  public readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const env = props.environment;
    const prefix = props.namePrefix ?? 'cad';
    const fn = { FunctionName: props.functionName };
    const own = { service: detectorMetrics.serviceDimension, environment: env };
    const specs: AlarmSpec[] = [
      { name: 'errors', namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: fn, statistic: 'Sum', period: 300, evaluationPeriods: 1, threshold: 0, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching' },
      { name: 'throttles', namespace: 'AWS/Lambda', metricName: 'Throttles', dimensions: fn, statistic: 'Sum', period: 300, evaluationPeriods: 1, threshold: 0, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching' },
      {
        name: 'duration-near-timeout', namespace: 'AWS/Lambda', metricName: 'Duration', dimensions: fn, statistic: 'Maximum', period: 300, evaluationPeriods: 1,
        threshold: Math.round(props.timeoutSeconds * 1000 * 0.8), comparisonOperator: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching',
      },
      {
        name: 'heartbeat', namespace: detectorMetrics.namespace, metricName: detectorMetrics.names.successfulRuns, dimensions: own, statistic: 'Sum',
        period: 900, evaluationPeriods: 1, threshold: 1, comparisonOperator: 'LessThanThreshold', treatMissingData: 'breaching',
      },
      // Degraded modes page: a run that completed without doing all of its job (a source down, an
      // action or alert that failed, a ledger reset). Two in 15 minutes, so one blip does not page.
      {
        name: 'degraded-runs', namespace: detectorMetrics.namespace, metricName: detectorMetrics.names.degradedRuns, dimensions: own, statistic: 'Sum',
        period: 900, evaluationPeriods: 1, threshold: 2, comparisonOperator: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching',
      },
      // Detection is limited while fresh embedded models warm up (a state format change): in alarm until it is over.
      {
        name: 'detector-warming', namespace: detectorMetrics.namespace, metricName: detectorMetrics.names.detectorWarming, dimensions: own, statistic: 'Maximum',
        period: 900, evaluationPeriods: 1, threshold: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching',
      },
      // The action ledger had to be started afresh: earlier scale-outs will not be given back automatically.
      {
        name: 'ledger-resets', namespace: detectorMetrics.namespace, metricName: detectorMetrics.names.ledgerResets, dimensions: own, statistic: 'Sum',
        period: 900, evaluationPeriods: 1, threshold: 0, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching',
      },
      // An open incident whose service went missing from the data is held open with its capacity: nobody can tell how it goes.
      {
        name: 'blind-incidents', namespace: detectorMetrics.namespace, metricName: detectorMetrics.names.blindIncidents, dimensions: own, statistic: 'Maximum',
        period: 900, evaluationPeriods: 1, threshold: 1, comparisonOperator: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching',
      },
      // A source or one of its metrics missing: the run still completes, so only these say the data is partial.
      { name: 'source-errors', namespace: detectorMetrics.namespace, metricName: detectorMetrics.names.sourceErrors, dimensions: own, statistic: 'Sum', period: 900, evaluationPeriods: 1, threshold: 0, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching' },
      // A container's leading metric repeating one value improbably long: its readings are not live, and nothing scales on them.
      { name: 'frozen-readings', namespace: detectorMetrics.namespace, metricName: detectorMetrics.names.frozenReadings, dimensions: own, statistic: 'Maximum', period: 900, evaluationPeriods: 1, threshold: 0, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching' },
      { name: 'source-metrics-degraded', namespace: detectorMetrics.namespace, metricName: detectorMetrics.names.sourceMetricsDegraded, dimensions: own, statistic: 'Sum', period: 900, evaluationPeriods: 1, threshold: 0, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching' },
      {
        name: 'dead-letters', namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: { QueueName: props.deadLetterQueueName },
        statistic: 'Maximum', period: 300, evaluationPeriods: 1, threshold: 0, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching',
      },
      {
        name: 'alert-delivery-failures', namespace: 'AWS/SNS', metricName: 'NumberOfNotificationsFailed', dimensions: { TopicName: props.alertTopicName },
        statistic: 'Sum', period: 300, evaluationPeriods: 1, threshold: 0, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching',
      },
    ];
    if (props.endpointName) {
      const ep = { EndpointName: props.endpointName, VariantName: 'rcf' };
      specs.push(
        { name: 'endpoint-5xx', namespace: 'AWS/SageMaker', metricName: 'Invocation5XXErrors', dimensions: ep, statistic: 'Sum', period: 300, evaluationPeriods: 1, threshold: 0, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching' },
        // The endpoint failing in ways that are no 5xx (timeouts, throttling, access denied, a malformed answer)
        // only shows as runs scored by the embedded fallback. Two in 15 minutes, as for degraded runs.
        {
          name: 'scorer-fallbacks', namespace: detectorMetrics.namespace, metricName: detectorMetrics.names.scorerFallbacks, dimensions: own, statistic: 'Sum',
          period: 900, evaluationPeriods: 1, threshold: 2, comparisonOperator: 'GreaterThanOrEqualToThreshold', treatMissingData: 'notBreaching',
        },
        {
          name: 'endpoint-latency', namespace: 'AWS/SageMaker', metricName: 'ModelLatency', dimensions: ep, extendedStatistic: 'p99', period: 300, evaluationPeriods: 2,
          threshold: props.modelLatencyThresholdMicros ?? 2_000_000, comparisonOperator: 'GreaterThanThreshold', treatMissingData: 'notBreaching',
        },
      );
    }
    this.alarms = specs.map(({ name, ...spec }) =>
      new CloudwatchMetricAlarm(this, name, {
        ...spec,
        alarmName: `${prefix}-${env}-${name}`,
        alarmDescription: `Container anomaly detector (${env}): ${name.replace(/-/g, ' ')}`,
        alarmActions: [props.alertTopicArn],
        okActions: [props.alertTopicArn],
      }),
    );

    const widget = (title: string, stat: string, metrics: string[][]): MetricWidget => ({
      type: 'metric', width: 12, height: 6,
      properties: { title, region: props.region, stat, period: 300, view: 'timeSeries', metrics },
    });
    const ownMetric = (name: string) => [detectorMetrics.namespace, name, 'service', own.service, 'environment', env];
    const n = detectorMetrics.names;
    const widgets: MetricWidget[] = [
      widget('Containers scored and anomalies', 'Sum', [ownMetric(n.containersScored), ownMetric(n.anomalies)]),
      widget('Scale actions, restores, alerts, fallbacks', 'Sum', [ownMetric(n.scaleActions), ownMetric(n.scaleRestores), ownMetric(n.alertsPublished), ownMetric(n.scorerFallbacks)]),
      widget('Runs', 'Sum', [
        ownMetric(n.successfulRuns), ownMetric(n.degradedRuns), ownMetric(n.detectorWarming), ownMetric(n.ledgerResets), ownMetric(n.blindIncidents), ownMetric(n.sourceErrors), ownMetric(n.rowsDropped), ownMetric(n.frozenReadings),
      ]),
      widget('Stage duration (ms)', 'Average', [ownMetric(n.collectMs), ownMetric(n.archiveMs), ownMetric(n.scoreMs), ownMetric(n.actMs)]),
      widget('Lambda', 'Sum', [
        ['AWS/Lambda', 'Errors', 'FunctionName', props.functionName],
        ['AWS/Lambda', 'Throttles', 'FunctionName', props.functionName],
      ]),
      widget('Dead letters and alert delivery', 'Maximum', [
        ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', props.deadLetterQueueName],
        ['AWS/SNS', 'NumberOfNotificationsFailed', 'TopicName', props.alertTopicName],
      ]),
    ];
    if (props.endpointName) {
      widgets.push(widget('Endpoint', 'Sum', [
        ['AWS/SageMaker', 'Invocation5XXErrors', 'EndpointName', props.endpointName, 'VariantName', 'rcf'],
        ['AWS/SageMaker', 'Invocations', 'EndpointName', props.endpointName, 'VariantName', 'rcf'],
      ]));
    }
    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: `${prefix}-${env}-detector`,
      dashboardBody: jsonEncode({ widgets }),
    });
  }
}

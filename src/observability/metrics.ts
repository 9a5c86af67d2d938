/** Metrics about the detector itself, as CloudWatch EMF through Powertools Metrics. */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { detectorMetrics } from '../config/naming';
import type { MetricUnit as PortUnit, RunMetrics } from '../pipeline/ports';

const UNITS: Record<PortUnit, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  Count: MetricUnit.Count,
  Milliseconds: MetricUnit.Milliseconds,
  Bytes: MetricUnit.Bytes,
};

export class EmfMetrics implements RunMetrics {
  readonly metrics: Metrics;

  constructor(environment: string) {
    // Dimensions {service, environment} must match what the alarms and dashboard query.
    this.metrics = new Metrics({
      namespace: detectorMetrics.namespace,
      serviceName: detectorMetrics.serviceDimension,
      defaultDimensions: { environment },
    });
  }

  add(name: string, unit: PortUnit, value: number): void {
    this.metrics.addMetric(name, UNITS[unit], value);
  }

  /** Writes the run's metrics as one EMF line. */
  flush(): void {
    this.metrics.publishStoredMetrics();
  }
}

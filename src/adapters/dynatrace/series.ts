/**
 * Reads Dynatrace Metrics API v2 series into partial samples through the
 * environment's dimension map. Shape (docs.dynatrace.com, "Metrics API - GET
 * metric data points", response body `MetricData`): `result[]` holds one
 * `MetricSeriesCollection` per selector (`metricId`, `data[]`); each series
 * has `dimensions`, `dimensionMap`, and parallel `timestamps` (epoch ms) and
 * `values` arrays, where `null` is a gap.
 */
import type { DropCounts, MetricName, PartialSample } from '../../core/model';
import { countDrop } from '../../core/merge';
import type { MetricGap } from '../../core/ports';
import type { DynatraceDimensionMap } from '../../config/source-defaults';

export interface Series {
  dimensions?: string[];
  dimensionMap?: Record<string, string>;
  timestamps?: number[];
  values?: Array<number | null>;
}

/** The latest non-null point of a series, or undefined when every point is a gap. */
export function latestPoint(series: Series): { value: number; at: number } | undefined {
  const values = series.values ?? [];
  const stamps = series.timestamps ?? [];
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i];
    if (v !== null && v !== undefined && Number.isFinite(stamps[i])) return { value: v, at: stamps[i] };
  }
  return undefined;
}

export interface MetricReading {
  metric: MetricName;
  unitScale: number;
  dimensions: DynatraceDimensionMap;
}

/** Collects every series into one sample per container, each metric stamped with its own point's time. */
export class DynatraceSeriesReader {
  readonly dropped: DropCounts = {};
  private readonly byContainer = new Map<string, PartialSample>();
  private readonly seenDimensions = new Set<string>();
  private readonly patterns = new Map<string, RegExp>();
  series = 0;

  add(reading: MetricReading, series: Series): void {
    this.series++;
    const map = series.dimensionMap ?? {};
    for (const key of Object.keys(map)) this.seenDimensions.add(key);
    const containerId = this.containerIdOf(reading.dimensions, map[reading.dimensions.container]);
    if (!containerId) return countDrop(this.dropped, 'missing_id');
    if ((series.timestamps ?? []).length !== (series.values ?? []).length) return countDrop(this.dropped, 'malformed_series');
    const point = latestPoint(series);
    if (!point) return;
    const at = new Date(point.at).toISOString();
    let sample = this.byContainer.get(containerId);
    if (!sample) {
      sample = { containerId, service: '', cluster: '', timestamp: at, metrics: {}, observedAt: {}, source: 'dynatrace' };
      this.byContainer.set(containerId, sample);
    }
    const service = reading.dimensions.service && map[reading.dimensions.service];
    const cluster = reading.dimensions.cluster && map[reading.dimensions.cluster];
    if (service && !sample.service) sample.service = service;
    if (cluster && !sample.cluster) sample.cluster = cluster;
    const previous = sample.observedAt![reading.metric];
    if (previous !== undefined) {
      // Two series of one metric for one container (two entities with one name): keep the newer point.
      countDrop(this.dropped, 'duplicate');
      if (previous >= at) return;
    }
    sample.metrics[reading.metric] = point.value * reading.unitScale;
    sample.observedAt![reading.metric] = at;
    if (at > sample.timestamp) sample.timestamp = at;
  }

  private containerIdOf(dims: DynatraceDimensionMap, value: string | undefined): string | undefined {
    if (!value) return undefined;
    if (!dims.containerPattern) return value;
    let re = this.patterns.get(dims.containerPattern);
    if (!re) this.patterns.set(dims.containerPattern, (re = new RegExp(dims.containerPattern)));
    return re.exec(value)?.[1] || undefined;
  }

  samples(): PartialSample[] {
    return [...this.byContainer.values()];
  }

  /** Why series were unusable, in plain words, for the dimensions the readings expected. */
  problems(readings: readonly MetricReading[], gaps: readonly MetricGap[]): string[] {
    const problems: string[] = [];
    const expected = [...new Set(readings.map((r) => r.dimensions.container))].filter((d) => !this.seenDimensions.has(d));
    if (this.series > 0 && expected.length) {
      const hint = expected.some((d) => d.endsWith('.name')) ? '; a .name dimension needs :names on the selector' : '';
      problems.push(`dimension ${expected.join(', ')} is in no series (series have: ${[...this.seenDimensions].join(', ') || 'none'})${hint}`);
    }
    for (const gap of gaps) problems.push(`${gap.metric}: ${gap.reason}`);
    return problems;
  }
}

/**
 * Turns Splunk result rows into partial samples through the environment's
 * field map. Splunk's export sends every value as a string
 * (docs.splunk.com, REST API Reference, "search/jobs/export", output_mode=json);
 * nothing is guessed: a blank or non-numeric value, a row without a usable
 * time, and an older row for a container already seen are each counted.
 */
import type { DropCounts, DropReason, MetricName, PartialSample } from '../../core/model';
import { countDrop, metricsPresent } from '../../core/merge';
import type { MetricGap } from '../../core/ports';
import type { SplunkFieldMap } from '../../config/source-defaults';

/** Splunk's `_time`: epoch seconds ("1732442400.000") or an ISO string; undefined when it is neither. */
export function parseSplunkTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (!text) return undefined;
  const seconds = Number(text);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/** Collects rows into one sample per container (the newest `_time` wins) and remembers what it saw. */
export class SplunkRowReader {
  readonly dropped: DropCounts = {};
  private readonly byContainer = new Map<string, PartialSample>();
  private readonly seenFields = new Set<string>();
  private readonly metricFields: Array<[MetricName, string]>;
  rows = 0;

  constructor(private readonly fields: SplunkFieldMap) {
    this.metricFields = Object.entries(fields.metrics) as Array<[MetricName, string]>;
  }

  add(row: Record<string, unknown>): void {
    this.rows++;
    for (const key of Object.keys(row)) this.seenFields.add(key);
    const drop = (reason: DropReason) => countDrop(this.dropped, reason);
    const containerId = text(row[this.fields.container]);
    if (!containerId) return drop('missing_id');
    const timestamp = parseSplunkTime(row[this.fields.time]);
    if (!timestamp) return drop('missing_time');
    const metrics: PartialSample['metrics'] = {};
    for (const [metric, field] of this.metricFields) {
      const raw = row[field];
      if (raw === undefined || raw === null) continue;
      if (text(raw) === '') {
        drop('blank');
        continue;
      }
      // Arrays (multivalue fields) and non-numeric strings are not readings.
      const value = typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : Number.NaN;
      if (!Number.isFinite(value)) {
        drop('not_a_number');
        continue;
      }
      metrics[metric] = value;
    }
    const sample: PartialSample = { containerId, service: text(row[this.fields.service]), cluster: text(row[this.fields.cluster]), timestamp, metrics, source: 'splunk' };
    const previous = this.byContainer.get(containerId);
    if (previous) {
      // Two rows for one container: keep the newest, count the other.
      drop('duplicate');
      if (previous.timestamp >= timestamp) return;
    }
    this.byContainer.set(containerId, sample);
  }

  /** Containers with at least one value; with no metric mapped, every identified container (Splunk then names services only). */
  samples(): PartialSample[] {
    const all = [...this.byContainer.values()];
    return this.metricFields.length === 0 ? all : all.filter((s) => Object.keys(s.metrics).length > 0);
  }

  /** Mapped metrics no row gave a usable value for. */
  missingMetrics(): MetricGap[] {
    const found = new Set<string>(metricsPresent(this.samples()));
    return this.metricFields
      .filter(([metric]) => !found.has(metric))
      .map(([metric, field]) => ({ metric, reason: this.seenFields.has(field) ? `field ${field} has no numeric value in any row` : `field ${field} is in no row` }));
  }

  /** What is wrong with the rows, in plain words: absent identity fields first, then metrics without values. */
  problems(): string[] {
    const problems: string[] = [];
    const absent = [this.fields.container, this.fields.time, this.fields.service].filter((f) => !this.seenFields.has(f));
    if (this.rows > 0 && absent.length) {
      problems.push(`field${absent.length > 1 ? 's' : ''} ${absent.join(', ')} ${absent.length > 1 ? 'are' : 'is'} in no row (rows have: ${[...this.seenFields].slice(0, 12).join(', ')})`);
    }
    for (const gap of this.missingMetrics()) problems.push(`${gap.metric}: ${gap.reason}`);
    return problems;
  }
}

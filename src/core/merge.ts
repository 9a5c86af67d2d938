/**
 * Merges what the sources returned into one complete sample per container.
 * Per metric the most recent value wins; a container still missing a metric
 * after the merge is dropped and counted, never guessed.
 */
import { METRIC_LIMITS, METRIC_NAMES, type ContainerSample, type DropCounts, type DropReason, type MetricVector, type PartialSample, type SourceName } from './model';

export interface MergeResult {
  samples: ContainerSample[];
  dropped: DropCounts;
}

/** Why a single metric value is unusable, or undefined when it is fine. */
export function invalidValueReason(metric: keyof MetricVector, value: number): DropReason | undefined {
  if (!Number.isFinite(value)) return 'not_a_number';
  if (value < 0) return 'negative';
  if (value > METRIC_LIMITS[metric]) return 'impossible';
  return undefined;
}

export function countDrop(counts: DropCounts, reason: DropReason, n = 1): void {
  counts[reason] = (counts[reason] ?? 0) + n;
}

export function addDropCounts(into: DropCounts, from: DropCounts): DropCounts {
  for (const [reason, n] of Object.entries(from) as Array<[DropReason, number]>) countDrop(into, reason, n);
  return into;
}

interface Accumulator {
  containerId: string;
  service: string;
  cluster: string;
  timestamp: string;
  values: Partial<Record<keyof MetricVector, { value: number; at: string }>>;
  sources: Set<SourceName>;
}

/** Combines partial samples from every source; input order does not matter. */
export function mergeSamples(partials: readonly PartialSample[]): MergeResult {
  const dropped: DropCounts = {};
  const byContainer = new Map<string, Accumulator>();
  for (const p of partials) {
    if (!p.containerId) {
      countDrop(dropped, 'missing_id');
      continue;
    }
    let acc = byContainer.get(p.containerId);
    if (!acc) {
      acc = { containerId: p.containerId, service: p.service, cluster: p.cluster, timestamp: p.timestamp, values: {}, sources: new Set() };
      byContainer.set(p.containerId, acc);
    }
    if (p.timestamp > acc.timestamp) acc.timestamp = p.timestamp;
    if (!acc.service && p.service) acc.service = p.service;
    if (!acc.cluster && p.cluster) acc.cluster = p.cluster;
    for (const metric of METRIC_NAMES) {
      const value = p.metrics[metric];
      if (value === undefined) continue;
      const reason = invalidValueReason(metric, value);
      if (reason) {
        countDrop(dropped, reason);
        continue;
      }
      const current = acc.values[metric];
      if (!current || p.timestamp >= current.at) acc.values[metric] = { value, at: p.timestamp };
      acc.sources.add(p.source);
    }
  }
  const samples: ContainerSample[] = [];
  for (const acc of byContainer.values()) {
    if (!acc.service || METRIC_NAMES.some((m) => acc.values[m] === undefined)) {
      countDrop(dropped, 'incomplete');
      continue;
    }
    const metrics = Object.fromEntries(METRIC_NAMES.map((m) => [m, acc.values[m]!.value])) as MetricVector;
    samples.push({
      containerId: acc.containerId,
      service: acc.service,
      cluster: acc.cluster,
      timestamp: acc.timestamp,
      metrics,
      sources: [...acc.sources].sort(),
    });
  }
  samples.sort((a, b) => (a.containerId < b.containerId ? -1 : a.containerId > b.containerId ? 1 : 0));
  return { samples, dropped };
}

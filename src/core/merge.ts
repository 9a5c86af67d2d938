/**
 * Merges what the sources returned into one complete sample per container.
 * Per metric the freshest point wins, judged by that metric's own time (a
 * source's sample mixes metrics of different ages); points older than the
 * staleness bound are dropped and counted. A container still missing a metric
 * after the merge is dropped and counted, never guessed.
 */
import { METRIC_LIMITS, METRIC_NAMES, type ContainerSample, type DropCounts, type DropReason, type MetricName, type MetricVector, type PartialSample, type SourceName } from './model';

export interface MergeResult {
  samples: ContainerSample[];
  dropped: DropCounts;
}

/** Points measured before `now - staleAfterMs` are too old to score. */
export interface Freshness {
  now: Date;
  staleAfterMs: number;
}

/** How many merged samples drew on each combination of sources. */
export interface JoinCounts {
  /** Values from every source that answered. */
  joined: number;
  bySource: Partial<Record<SourceName, number>>;
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

export function totalDrops(counts: DropCounts): number {
  return Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
}

interface Accumulator {
  containerId: string;
  service: string;
  cluster: string;
  values: Partial<Record<MetricName, { value: number; at: string; source: SourceName }>>;
  /** Every source with a usable, fresh value for this container, chosen or not. */
  sources: Set<SourceName>;
}

/** The time a partial's value of `metric` was measured. */
function pointTime(p: PartialSample, metric: MetricName): string {
  return p.observedAt?.[metric] ?? p.timestamp;
}

/** Combines partial samples from every source; input order does not matter. */
export function mergeSamples(partials: readonly PartialSample[], freshness: Freshness): MergeResult {
  const dropped: DropCounts = {};
  const staleBefore = new Date(freshness.now.getTime() - freshness.staleAfterMs).toISOString();
  const byContainer = new Map<string, Accumulator>();
  for (const p of partials) {
    if (!p.containerId) {
      countDrop(dropped, 'missing_id');
      continue;
    }
    let acc = byContainer.get(p.containerId);
    if (!acc) {
      acc = { containerId: p.containerId, service: p.service, cluster: p.cluster, values: {}, sources: new Set() };
      byContainer.set(p.containerId, acc);
    }
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
      const at = pointTime(p, metric);
      if (at < staleBefore) {
        countDrop(dropped, 'stale');
        continue;
      }
      acc.sources.add(p.source);
      const current = acc.values[metric];
      // Ties go to the source named first alphabetically, so the result never depends on input order.
      if (!current || at > current.at || (at === current.at && p.source < current.source)) acc.values[metric] = { value, at, source: p.source };
    }
  }
  const samples: ContainerSample[] = [];
  for (const acc of byContainer.values()) {
    const chosen = METRIC_NAMES.map((m) => acc.values[m]);
    if (!acc.service || chosen.some((v) => v === undefined)) {
      countDrop(dropped, 'incomplete');
      continue;
    }
    const points = chosen as Array<NonNullable<(typeof chosen)[number]>>;
    samples.push({
      containerId: acc.containerId,
      service: acc.service,
      cluster: acc.cluster,
      // The sample is as recent as its newest point; each older one was still within the staleness bound.
      timestamp: points.reduce((a, p) => (p.at > a ? p.at : a), points[0].at),
      metrics: Object.fromEntries(METRIC_NAMES.map((m, i) => [m, points[i].value])) as MetricVector,
      sources: [...acc.sources].sort(),
    });
  }
  samples.sort((a, b) => (a.containerId < b.containerId ? -1 : a.containerId > b.containerId ? 1 : 0));
  return { samples, dropped };
}

/** Counts samples by the sources that reported them; `joined` is those reported by more than one. */
export function joinCounts(samples: readonly ContainerSample[]): JoinCounts {
  const bySource: JoinCounts['bySource'] = {};
  let joined = 0;
  for (const s of samples) {
    if (s.sources.length > 1) joined++;
    for (const source of s.sources) bySource[source] = (bySource[source] ?? 0) + 1;
  }
  return { joined, bySource };
}

/** The metrics at least one partial sample has a value for, in model order. */
export function metricsPresent(partials: readonly PartialSample[]): MetricName[] {
  return METRIC_NAMES.filter((m) => partials.some((p) => p.metrics[m] !== undefined));
}

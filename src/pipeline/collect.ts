/**
 * Steps 1–2 of a cycle: ask every source at once within the collection's time
 * budget, then merge their partial samples into one per container. One failing
 * source degrades the run, one missing metric degrades that metric; the caller
 * fails the run when every source failed.
 */
import { addDropCounts, joinCounts, mergeSamples, totalDrops, type JoinCounts } from '../core/merge';
import type { ContainerSample, DropCounts, MetricName, PartialSample, SourceName } from '../core/model';
import type { Deadline, MetricSource, SourceBatch } from '../core/ports';
import { detectorMetrics } from '../config/naming';
import { inShard, type CycleDeps, type CycleOptions } from './run-cycle';

/**
 * Share of the time left at the start of a cycle that collection may spend.
 * Archive, scoring and actions keep the rest, so slow sources (429 waits, a
 * long search) degrade themselves, never the run.
 */
export const COLLECT_SHARE = 0.5;

/** A metric one source is configured for but did not give this run. */
export interface MetricDegradation {
  source: SourceName;
  metric: MetricName;
  reason: string;
}

export interface Collected {
  batches: SourceBatch[];
  sourceErrors: Array<{ source: SourceName; message: string }>;
  degradedMetrics: MetricDegradation[];
  samples: ContainerSample[];
  dropped: DropCounts;
  join: JoinCounts;
}

/** The collection ran out of its share of the run's time. */
export class CollectionBudgetError extends Error {
  constructor(readonly budgetMs: number) {
    super(`the collection's time budget (${(budgetMs / 1000).toFixed(1)} s of the run) ran out before this source answered`);
    this.name = 'CollectionBudgetError';
  }
}

/** The error's message, with its cause when it has one (fetch says only "fetch failed"; the cause says why). */
function message(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return e.cause instanceof Error && !e.message.includes(e.cause.message) ? `${e.message}: ${e.cause.message}` : e.message;
}

/** A deadline that ends when the collection's share is spent, or the run's deadline, whichever is first. */
export function collectionDeadline(run: Deadline, share = COLLECT_SHARE, clock: () => number = () => performance.now()): Deadline & { budgetMs: number } {
  const started = clock();
  const budgetMs = Math.max(0, run.remainingMs() * share);
  return { budgetMs, remainingMs: () => Math.min(run.remainingMs(), budgetMs - (clock() - started)) };
}

/**
 * Runs every source against one budget: when it is spent, in-flight requests
 * are aborted, and a source that ignores the signal is given up on anyway.
 */
async function collectWithin(sources: readonly MetricSource[], window: { earliest: Date; latest: Date }, deadline: Deadline & { budgetMs: number }) {
  const controller = new AbortController();
  const expired = new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }));
  expired.catch(() => undefined);
  const timer = setTimeout(() => controller.abort(new CollectionBudgetError(deadline.budgetMs)), Math.max(0, deadline.remainingMs()));
  try {
    return await Promise.allSettled(sources.map((s) => Promise.race([s.collect(window, deadline, controller.signal), expired])));
  } finally {
    clearTimeout(timer);
    // Nothing of this collection may still be running once it has returned.
    controller.abort(new CollectionBudgetError(deadline.budgetMs));
  }
}

/**
 * Sources that answered with containers of which none made it into a scored
 * sample: their container ids do not match the others' (a mapping problem,
 * e.g. Dynatrace entity ids against Splunk container names), or no container
 * had every metric. Without this the run would score on one source alone and
 * nothing would say so.
 */
function unusedSources(bySource: ReadonlyArray<{ source: SourceName; partials: readonly PartialSample[] }>, scored: readonly ContainerSample[]): Collected['sourceErrors'] {
  const scoredIds = new Set(scored.map((s) => s.containerId));
  return bySource
    .filter((b) => b.partials.length > 0 && !b.partials.some((p) => scoredIds.has(p.containerId)))
    .map(({ source, partials }) => ({
      source,
      message: scored.length
        ? `none of its ${partials.length} containers is among the ${scored.length} scored (it has e.g. ${partials[0].containerId}, the scored e.g. ${scored[0].containerId}): its container mapping does not match the other source's`
        : `none of its ${partials.length} containers has every metric after the merge (e.g. ${partials[0].containerId}): check which source gives which metric`,
    }));
}

/** Collects and merges once; `check-sources` calls it alone, the cycle as its first step. */
export async function collect(
  deps: Pick<CycleDeps, 'sources' | 'log' | 'metrics'>,
  window: { earliest: Date; latest: Date },
  options: Pick<CycleOptions, 'deadline' | 'shard' | 'lookbackMinutes' | 'staleAfterMinutes'>,
): Promise<Collected> {
  const { log, metrics } = deps;
  const names = detectorMetrics.names;
  const settled = await collectWithin(deps.sources, window, collectionDeadline(options.deadline));
  const batches: SourceBatch[] = [];
  const sourceErrors: Collected['sourceErrors'] = [];
  const degradedMetrics: MetricDegradation[] = [];
  settled.forEach((r, i) => {
    const source = deps.sources[i].name;
    if (r.status === 'fulfilled') {
      // A copy: the cycle lets go of the raw rows once archived, without touching what the source returned.
      batches.push({ ...r.value });
      if (r.value.recoveredFromRotation) log.info('credential was rotated: re-read from Vault and recovered', { source, secretVersion: r.value.secretVersion });
      for (const gap of r.value.missingMetrics ?? []) degradedMetrics.push({ source, ...gap });
      if (r.value.stats) log.info('source collected', { source, ...r.value.stats, dropped: r.value.dropped });
    } else {
      sourceErrors.push({ source, message: message(r.reason) });
      log.error('metric source failed', { source, error: message(r.reason) });
    }
  });
  metrics.add(names.sourceMetricsDegraded, 'Count', degradedMetrics.length);
  if (degradedMetrics.length) log.warn('metrics missing from a source', { degradedMetrics });

  const inShardBySource = batches.map((b) => ({ source: b.source, partials: b.samples.filter((p) => inShard(p.containerId, options.shard)) }));
  const partials: PartialSample[] = inShardBySource.flatMap((b) => b.partials);
  const staleAfterMinutes = options.staleAfterMinutes ?? options.lookbackMinutes;
  const merged = mergeSamples(partials, { now: window.latest, staleAfterMs: staleAfterMinutes * 60_000 });
  for (const problem of unusedSources(inShardBySource, merged.samples)) {
    sourceErrors.push(problem);
    log.error('metric source answered but none of its containers was scored', { ...problem });
  }
  metrics.add(names.sourceErrors, 'Count', sourceErrors.length);
  const dropped = batches.reduce((acc, b) => addDropCounts(acc, b.dropped), { ...merged.dropped });
  const droppedTotal = totalDrops(dropped);
  metrics.add(names.rowsDropped, 'Count', droppedTotal);
  if (droppedTotal) log.warn('rows dropped as invalid', { dropped });
  const join = joinCounts(merged.samples);
  log.info('sources merged', { containers: merged.samples.length, ...join });
  return { batches, sourceErrors, degradedMetrics, samples: merged.samples, dropped, join };
}

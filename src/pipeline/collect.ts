/**
 * Steps 1–2 of a cycle: ask every source at once, then merge their partial
 * samples into one per container. One failing source degrades the run; the
 * caller fails it when every source failed.
 */
import { addDropCounts, mergeSamples } from '../core/merge';
import type { ContainerSample, DropCounts, PartialSample, SourceName } from '../core/model';
import type { SourceBatch } from '../core/ports';
import { detectorMetrics } from '../config/naming';
import { inShard, type CycleDeps, type CycleOptions } from './run-cycle';

export interface Collected {
  batches: SourceBatch[];
  sourceErrors: Array<{ source: SourceName; message: string }>;
  samples: ContainerSample[];
  dropped: DropCounts;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function collect(deps: CycleDeps, window: { earliest: Date; latest: Date }, options: CycleOptions): Promise<Collected> {
  const { log, metrics } = deps;
  const names = detectorMetrics.names;
  const settled = await Promise.allSettled(deps.sources.map((s) => s.collect(window, options.deadline)));
  const batches: SourceBatch[] = [];
  const sourceErrors: Collected['sourceErrors'] = [];
  settled.forEach((r, i) => {
    const source = deps.sources[i].name;
    if (r.status === 'fulfilled') {
      batches.push(r.value);
      if (r.value.recoveredFromRotation) log.info('credential was rotated: re-read from Vault and recovered', { source, secretVersion: r.value.secretVersion });
    } else {
      sourceErrors.push({ source, message: message(r.reason) });
      log.error('metric source failed', { source, error: message(r.reason) });
    }
  });
  metrics.add(names.sourceErrors, 'Count', sourceErrors.length);

  const partials: PartialSample[] = batches.flatMap((b) => b.samples.filter((p) => inShard(p.containerId, options.shard)));
  const merged = mergeSamples(partials);
  const dropped = batches.reduce((acc, b) => addDropCounts(acc, b.dropped), { ...merged.dropped });
  const droppedTotal = Object.values(dropped).reduce((a, b) => a + (b ?? 0), 0);
  metrics.add(names.rowsDropped, 'Count', droppedTotal);
  if (droppedTotal) log.warn('rows dropped as invalid', { dropped });
  return { batches, sourceErrors, samples: merged.samples, dropped };
}

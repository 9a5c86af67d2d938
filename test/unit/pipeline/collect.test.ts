import { gunzipSync } from 'node:zlib';
import { collect, collectionDeadline, COLLECT_SHARE } from '../../../src/pipeline/collect';
import { runCycle, type CycleDeps, type CycleOptions } from '../../../src/pipeline/run-cycle';
import { DynatraceSource } from '../../../src/adapters/dynatrace/source';
import { MemoryObjectStore } from '../../../src/adapters/memory/object-store';
import { DEFAULT_DYNATRACE_DIMENSIONS, DEFAULT_DYNATRACE_METRICS } from '../../../src/config/source-defaults';
import type { CollectWindow, Deadline, MetricSource, SourceBatch } from '../../../src/core/ports';
import { RotatingSecrets } from '../../support/secrets';
import {
  FakeAlerter, FakeScaler, FakeSource, RecordingLog, RecordingMetrics, ScriptedDetector, ScriptedDetectorFactory, fixedClock, fullMetrics, partial,
} from '../../support/fakes';

const NOW = '2026-11-24T10:05:00.000Z';
const window = { earliest: new Date('2026-11-24T09:55:00.000Z'), latest: new Date(NOW) };

function deps(sources: MetricSource[]): CycleDeps & { store: MemoryObjectStore; metrics: RecordingMetrics } {
  return {
    sources, store: new MemoryObjectStore(), detectors: new ScriptedDetectorFactory(new ScriptedDetector()), scaler: new FakeScaler(), alerter: new FakeAlerter(),
    log: new RecordingLog(), metrics: new RecordingMetrics(), clock: fixedClock(NOW),
  };
}
function options(deadline: Deadline): CycleOptions {
  return { environment: 'prod', runId: 'run-1', runKey: 'evt-1', deadline, lookbackMinutes: 10, dryRun: true, suppressionMinutes: 60, scaling: { services: [{ cluster: 'apps', name: 'api', minTasks: 1, maxTasks: 4 }], step: 1, criticalStep: 2, cooldownMinutes: 15 } };
}

/** A source that answers only when aborted, and remembers the signal it got. */
class HangingSource implements MetricSource {
  signal?: AbortSignal;
  constructor(readonly name: 'splunk' | 'dynatrace', private readonly ignoreAbort = false) {}
  collect(_w: CollectWindow, _d: Deadline, signal?: AbortSignal): Promise<SourceBatch> {
    this.signal = signal;
    return new Promise((_, reject) => {
      if (!this.ignoreAbort) signal?.addEventListener('abort', () => reject(signal.reason));
    });
  }
}

describe('collect', () => {
  it('gives collection a bounded share of the run’s time', () => {
    let t = 0;
    const run = { remainingMs: () => 240_000 - t };
    const d = collectionDeadline(run, COLLECT_SHARE, () => t);
    expect(d.budgetMs).toBe(120_000);
    t = 100_000;
    expect(d.remainingMs()).toBe(20_000);
  });

  it('degrades a source that runs out of the budget, even one that ignores the abort, and keeps the other', async () => {
    const slow = new HangingSource('dynatrace', true);
    const d = deps([FakeSource.of('splunk', [partial('api-1', 'api', fullMetrics(), 'splunk', '2026-11-24T10:04:00.000Z')]), slow]);
    const started = Date.now();
    const collected = await collect(d, window, options({ remainingMs: () => 100 }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(collected.samples).toHaveLength(1);
    expect(collected.sourceErrors).toEqual([{ source: 'dynatrace', message: expect.stringMatching(/^the collection's time budget \(0\.1 s of the run\) ran out before this source answered$/) }]);
    expect(slow.signal?.aborted).toBe(true);
  });

  it('aborts whatever a source left in flight once the collection has returned', async () => {
    let background: AbortSignal | undefined;
    const leaky: MetricSource = {
      name: 'dynatrace',
      async collect(_w, _d, signal) {
        background = signal; // e.g. a sibling request a source forgot to await
        return (FakeSource.of('dynatrace', []).result as SourceBatch);
      },
    };
    await collect(deps([leaky]), window, options({ remainingMs: () => 60_000 }));
    expect(background?.aborted).toBe(true);
  });

  it('names the cause of a network failure, not only "fetch failed"', async () => {
    const unreachable = new FakeSource('splunk', new TypeError('fetch failed', { cause: new Error('getaddrinfo ENOTFOUND splunk.example.com') }));
    const collected = await collect(deps([unreachable]), window, options({ remainingMs: () => 60_000 }));
    expect(collected.sourceErrors).toEqual([{ source: 'splunk', message: 'fetch failed: getaddrinfo ENOTFOUND splunk.example.com' }]);
  });

  // Bug: Dynatrace keyed by entity id never joined Splunk; every cycle ran on Splunk alone and nothing said so.
  it('fails a source none of whose containers was scored, saying its mapping does not match', async () => {
    const splunk = FakeSource.of('splunk', [partial('checkout-api-0000', 'checkout-api', fullMetrics(), 'splunk', '2026-11-24T10:04:00.000Z')]);
    const dynatrace = FakeSource.of('dynatrace', [{ ...partial('CONTAINER_GROUP_INSTANCE-1A2B', '', { cpu_pct: 1 }, 'dynatrace', '2026-11-24T10:04:00.000Z'), cluster: '' }]);
    const d = deps([splunk, dynatrace]);
    const collected = await collect(d, window, options({ remainingMs: () => 60_000 }));
    expect(collected.samples.map((s) => s.containerId)).toEqual(['checkout-api-0000']);
    expect(collected.sourceErrors).toEqual([{ source: 'dynatrace', message: "none of its 1 containers is among the 1 scored (it has e.g. CONTAINER_GROUP_INSTANCE-1A2B, the scored e.g. checkout-api-0000): its container mapping does not match the other source's" }]);
    expect(d.metrics.total('SourceErrors')).toBe(1);
  });

  it('fails every source when no container had every metric after the merge', async () => {
    const d = deps([FakeSource.of('splunk', [partial('c1', 'api', { cpu_pct: 1 }, 'splunk', '2026-11-24T10:04:00.000Z')])]);
    const collected = await collect(d, window, options({ remainingMs: () => 60_000 }));
    expect(collected.sourceErrors).toEqual([{ source: 'splunk', message: 'none of its 1 containers has every metric after the merge (e.g. c1): check which source gives which metric' }]);
  });

  // Bug: 429 waits drawn against the whole run's deadline left 6 s of 240 s for archive, scoring and actions.
  it('does not let Dynatrace rate-limit waits eat the time archive, scoring and actions need', async () => {
    const waits: number[] = [];
    const dynatrace = new DynatraceSource(
      { environmentUrl: 'https://abc.live.dynatrace.com', resolution: '1m', entitySelector: 'type(CONTAINER_GROUP_INSTANCE)', secretPath: 'd', dimensions: DEFAULT_DYNATRACE_DIMENSIONS, metrics: DEFAULT_DYNATRACE_METRICS },
      {
        secrets: new RotatingSecrets({ d: { apiToken: 'dt0c01.x' } }),
        fetch: async () => new Response('{"error":{"code":429,"message":"Too Many Requests"}}', { status: 429, headers: { 'Retry-After': '130' } }),
        sleep: async (ms) => { waits.push(ms); },
      },
    );
    const d = deps([FakeSource.of('splunk', [partial('api-1', 'api', fullMetrics(), 'splunk', '2026-11-24T10:04:00.000Z')]), dynatrace]);
    const collected = await collect(d, window, options({ remainingMs: () => 240_000 }));
    expect(waits).toEqual([]);
    expect(collected.sourceErrors).toEqual([{ source: 'dynatrace', message: 'Dynatrace rate limit (429) for the container metrics: retry in 130 s does not fit in this run' }]);
  });

  it('reports a metric a source lacks in the summary, the archive and a metric, and marks the run degraded', async () => {
    const dynatrace = FakeSource.of('dynatrace', [partial('api-1', 'api', { cpu_pct: 1, mem_pct: 2, net_mbps: 3 }, 'dynatrace', '2026-11-24T10:04:00.000Z')]);
    (dynatrace.result as SourceBatch).missingMetrics = [{ metric: 'disk_iops', reason: 'Dynatrace refused builtin:containers.disk.iops:names (404)' }];
    const d = deps([FakeSource.of('splunk', [partial('api-1', 'api', { disk_iops: 9 }, 'splunk', '2026-11-24T10:04:00.000Z')]), dynatrace]);
    const summary = await runCycle(d, options({ remainingMs: () => 60_000 }));
    const degradedMetrics = [{ source: 'dynatrace', metric: 'disk_iops', reason: 'Dynatrace refused builtin:containers.disk.iops:names (404)' }];
    expect(summary).toMatchObject({ containers: 1, degraded: true, degradedMetrics, join: { joined: 1, bySource: { splunk: 1, dynatrace: 1 } } });
    expect(d.metrics.total('SourceMetricsDegraded')).toBe(1);
    const header = JSON.parse(gunzipSync(d.store.objects.get(summary.archiveKey)!.body).toString('utf8').split('\n')[0]);
    expect(header).toMatchObject({ record: 'run', degradedMetrics });
  });
});

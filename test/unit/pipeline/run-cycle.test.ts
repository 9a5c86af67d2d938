import { gunzipSync } from 'node:zlib';
import { runCycle, RunFailedError, inShard, stateKeyFor, type CycleDeps, type CycleOptions } from '../../../src/pipeline/run-cycle';
import { MemoryObjectStore } from '../../../src/adapters/memory/object-store';
import { PreconditionFailedError, type RemoteScorer, type WriteCondition } from '../../../src/pipeline/ports';
import { archiveKeys } from '../../../src/config/naming';
import { parseLedger } from '../../../src/core/ledger';
import {
  FakeAlerter, FakeScaler, FakeSource, RecordingLog, RecordingMetrics, ScriptedDetector, ScriptedDetectorFactory, fixedClock, fullMetrics, noDeadline, partial,
} from '../../support/fakes';

const NOW = '2026-11-24T10:05:00.000Z';

function setup() {
  const store = new MemoryObjectStore();
  const detector = new ScriptedDetector(new Map([
    ['api-1', { metric: 'cpu_pct', direction: 'high' }],
    ['web-1', { metric: 'net_mbps', direction: 'low' }],
  ]));
  const scaler = new FakeScaler();
  scaler.state.set('api', { desiredCount: 3, runningCount: 3 });
  scaler.state.set('web', { desiredCount: 2, runningCount: 2 });
  const splunk = FakeSource.of('splunk', [
    partial('api-1', 'api', { cpu_pct: 95, mem_pct: 60 }, 'splunk'),
    partial('api-2', 'api', { cpu_pct: 30, mem_pct: 40 }, 'splunk'),
    partial('web-1', 'web', { cpu_pct: 1, mem_pct: 20 }, 'splunk'),
  ]);
  const dynatrace = FakeSource.of('dynatrace', [
    partial('api-1', 'api', { net_mbps: 20, disk_iops: 100 }, 'dynatrace'),
    partial('api-2', 'api', { net_mbps: 20, disk_iops: 100 }, 'dynatrace'),
    partial('web-1', 'web', { net_mbps: 0, disk_iops: 5 }, 'dynatrace'),
  ]);
  const deps: CycleDeps = {
    sources: [splunk, dynatrace],
    store,
    detectors: new ScriptedDetectorFactory(detector),
    scaler,
    alerter: new FakeAlerter(),
    log: new RecordingLog(),
    metrics: new RecordingMetrics(),
    clock: fixedClock(NOW),
  };
  const options: CycleOptions = {
    environment: 'prod',
    runId: 'run-1',
    runKey: 'evt-1',
    deadline: noDeadline,
    lookbackMinutes: 10,
    scaling: { services: [{ cluster: 'apps', name: 'api', minTasks: 2, maxTasks: 6 }, { cluster: 'apps', name: 'web', minTasks: 1, maxTasks: 4 }], step: 1, criticalStep: 2, cooldownMinutes: 15 },
    dryRun: false,
    suppressionMinutes: 60,
  };
  return { store, detector, scaler, splunk, dynatrace, deps, options, alerter: deps.alerter as FakeAlerter, log: deps.log as RecordingLog, metrics: deps.metrics as RecordingMetrics };
}

function archiveLines(store: MemoryObjectStore, key: string): Array<Record<string, unknown>> {
  const body = store.objects.get(key)!.body;
  return gunzipSync(body).toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
}

describe('runCycle', () => {
  it('collects, archives, scores, scales the saturated service and alerts once', async () => {
    const t = setup();
    const summary = await runCycle(t.deps, t.options);
    expect(summary).toMatchObject({ runId: 'run-1', containers: 3, anomalies: 2, degraded: false, scorer: 'embedded', alertMessageId: 'msg-1' });
    expect(t.scaler.updates).toEqual([{ service: 'api', desiredCount: 4 }]);
    expect(summary.actionDetails).toEqual([
      { cluster: 'apps', service: 'web', outcome: 'skipped', reason: 'drop-not-scalable' },
      { cluster: 'apps', service: 'api', outcome: 'scaled', from: 3, to: 4 },
    ]);
    expect(t.alerter.published).toHaveLength(1);
    expect(t.alerter.published[0].attributes).toEqual({ environment: 'prod', severity: 'warning', status: 'firing' });
    expect(t.alerter.published[0].subject).toBe('[prod] WARNING: opened api, web');
    expect(t.splunk.calls[0]).toEqual({ earliest: new Date('2026-11-24T09:55:00.000Z'), latest: new Date(NOW) });
    expect(t.metrics.total('SuccessfulRuns')).toBe(1);
    expect(t.metrics.total('ContainersScored')).toBe(3);
  });

  it('archives raw rows and merged samples under the Hive-style key before scoring', async () => {
    const t = setup();
    const order: string[] = [];
    const put = t.store.put.bind(t.store);
    t.store.put = async (key: string, body: Uint8Array, o?: { condition?: WriteCondition; contentType?: string; contentEncoding?: string }) => {
      order.push(key.startsWith('metrics/') ? 'archive' : key);
      return put(key, body, o);
    };
    const update = t.detector.update.bind(t.detector);
    t.detector.update = (...args) => {
      if (!order.includes('score')) order.push('score');
      return update(...args);
    };
    const summary = await runCycle(t.deps, t.options);
    expect(order.slice(0, 2)).toEqual(['archive', 'score']);
    expect(summary.archiveKey).toBe('metrics/env=prod/date=2026-11-24/hour=10/run-1.jsonl.gz');
    const lines = archiveLines(t.store, summary.archiveKey);
    expect(lines[0]).toMatchObject({ record: 'run', runId: 'run-1', environment: 'prod' });
    expect(lines.filter((l) => l.record === 'raw')).toHaveLength(6);
    expect(lines.filter((l) => l.record === 'sample').map((l) => l.containerId)).toEqual(['api-1', 'api-2', 'web-1']);
    expect(t.store.objects.get(summary.archiveKey)?.contentEncoding).toBe('gzip');
  });

  it('continues with the other source when one is down, and reports the run as degraded', async () => {
    const t = setup();
    t.dynatrace.result = new Error('Dynatrace answered 503');
    t.splunk.result = { ...(t.splunk.result as Exclude<typeof t.splunk.result, Error>), samples: [partial('api-1', 'api', fullMetrics(95), 'splunk')] };
    const summary = await runCycle(t.deps, t.options);
    expect(summary.degraded).toBe(true);
    expect(summary.sourceErrors).toEqual([{ source: 'dynatrace', message: 'Dynatrace answered 503' }]);
    expect(summary.containers).toBe(1);
    expect(t.metrics.total('DegradedRuns')).toBe(1);
  });

  it('archives what exists and then fails the run when every source is down', async () => {
    const t = setup();
    t.splunk.result = new Error('Splunk 401');
    t.dynatrace.result = new Error('Dynatrace timeout');
    await expect(runCycle(t.deps, t.options)).rejects.toThrow(new RunFailedError('every metric source failed: splunk: Splunk 401; dynatrace: Dynatrace timeout'));
    const key = archiveKeys.metricsBatch('prod', new Date(NOW), 'run-1');
    expect(archiveLines(t.store, key)[0]).toMatchObject({ record: 'run', sourceErrors: [{ source: 'splunk', message: 'Splunk 401' }, { source: 'dynatrace', message: 'Dynatrace timeout' }] });
    expect(t.scaler.updates).toEqual([]);
  });

  it('fails loudly when the archive cannot be written, before scoring or acting', async () => {
    const t = setup();
    t.store.put = async () => { throw new Error('S3 unavailable'); };
    await expect(runCycle(t.deps, t.options)).rejects.toThrow('S3 unavailable');
    expect(t.detector.updates).toEqual([]);
    expect(t.scaler.updates).toEqual([]);
  });

  it('does not scale twice or alert twice when the same event is retried', async () => {
    const t = setup();
    await runCycle(t.deps, t.options);
    const again = await runCycle(t.deps, { ...t.options, runId: 'run-1-retry' });
    expect(t.scaler.updates).toEqual([{ service: 'api', desiredCount: 4 }]);
    expect(t.alerter.published).toHaveLength(1);
    expect(again.actionDetails).toContainEqual({ cluster: 'apps', service: 'api', outcome: 'skipped', reason: 'already-done' });
    expect(again.alertMessageId).toBeUndefined();
  });

  it('keeps a second run inside the cooldown from scaling the same service again', async () => {
    const t = setup();
    await runCycle(t.deps, t.options);
    (t.deps.clock as ReturnType<typeof fixedClock>).set('2026-11-24T10:10:00.000Z');
    const second = await runCycle(t.deps, { ...t.options, runId: 'run-2', runKey: 'evt-2' });
    expect(second.actionDetails).toContainEqual({ cluster: 'apps', service: 'api', outcome: 'skipped', reason: 'cooldown' });
    expect(t.scaler.updates).toHaveLength(1);
    // Same containers, same kinds, inside the suppression window: no second message.
    expect(t.alerter.published).toHaveLength(1);
  });

  it('re-reads and re-plans when a concurrent run changed the ledger first, and never double-scales', async () => {
    const t = setup();
    const put = t.store.put.bind(t.store);
    let raced = false;
    t.store.put = async (key, body, o) => {
      if (key === archiveKeys.actionLedger('prod') && !raced) {
        raced = true;
        // Another run (of the previous release: a version-1 ledger) scaled `api` between our read and our write.
        const other = { version: 1, lastScaledAt: { api: NOW }, scaleActions: {}, alerted: {}, alertsByRun: {} };
        await put(key, new TextEncoder().encode(JSON.stringify(other)));
        throw new PreconditionFailedError(key);
      }
      return put(key, body, o);
    };
    const summary = await runCycle(t.deps, t.options);
    expect(raced).toBe(true);
    expect(t.scaler.updates).toEqual([]);
    expect(summary.actionDetails).toContainEqual({ cluster: 'apps', service: 'api', outcome: 'skipped', reason: 'cooldown' });
  });

  it('logs the plan without calling UpdateService in dry-run mode', async () => {
    const t = setup();
    const summary = await runCycle(t.deps, { ...t.options, dryRun: true });
    expect(t.scaler.updates).toEqual([]);
    expect(summary.actionDetails).toContainEqual({ cluster: 'apps', service: 'api', outcome: 'would-scale', from: 3, to: 4, reason: 'desired-count' });
    // The dry run keeps the books as a real run would (cooldown, what to give back), marked as nothing changed.
    const ledger = parseLedger(new TextDecoder().decode(t.store.objects.get(archiveKeys.actionLedger('prod'))!.body), t.options.scaling.services);
    expect(ledger.raised['apps/api']).toMatchObject({ from: 3, to: 4, dryRun: true });
  });

  it('alerts an outage but does not scale it', async () => {
    const t = setup();
    t.detector.anomalous = new Map([['web-1', { metric: 'net_mbps', direction: 'low' }]]);
    const summary = await runCycle(t.deps, t.options);
    expect(t.scaler.updates).toEqual([]);
    expect(summary.anomalyDetails).toEqual([expect.objectContaining({ containerId: 'web-1', kind: 'drop' })]);
    expect(JSON.parse(t.alerter.published[0].body).anomalies[0]).toMatchObject({ containerId: 'web-1', kind: 'drop' });
  });

  it('alerts a container whose CPU reading froze, scales nothing on it, and counts it', async () => {
    const t = setup();
    t.detector.anomalous = new Map([['api-1', { metric: 'cpu_pct', direction: 'high' }]]);
    t.detector.frozen.add('api-1');
    const summary = await runCycle(t.deps, t.options);
    expect(t.scaler.updates).toEqual([]);
    expect(summary.anomalyDetails).toEqual([expect.objectContaining({ containerId: 'api-1', kind: 'frozen' })]);
    expect(JSON.parse(t.alerter.published[0].body).anomalies[0]).toMatchObject({ containerId: 'api-1', kind: 'frozen' });
    expect(t.metrics.total('FrozenReadings')).toBe(1);
  });

  it('still scales the other services when one UpdateService fails, and frees the failed one for the next run', async () => {
    const t = setup();
    t.detector.anomalous = new Map([['api-1', { metric: 'cpu_pct', direction: 'high' }], ['web-1', { metric: 'cpu_pct', direction: 'high' }]]);
    t.scaler.failUpdateFor.add('api');
    const summary = await runCycle(t.deps, t.options);
    expect(t.scaler.updates).toEqual([{ service: 'web', desiredCount: 3 }]);
    expect(summary.actionDetails).toContainEqual(expect.objectContaining({ cluster: 'apps', service: 'api', outcome: 'failed' }));
    expect(summary.degraded).toBe(true);
    const ledger = parseLedger(new TextDecoder().decode(t.store.objects.get(archiveKeys.actionLedger('prod'))!.body), t.options.scaling.services);
    expect(Object.keys(ledger.lastScaledAt)).toEqual(['apps/web']);
    expect(Object.keys(ledger.raised)).toEqual(['apps/web']);
  });

  it('falls back to the embedded detector when the SageMaker endpoint fails, and says so', async () => {
    const t = setup();
    const remote: RemoteScorer = { name: 'sagemaker', score: async () => { throw new Error('Could not find endpoint "cad-prod-rcf"'); } };
    const summary = await runCycle({ ...t.deps, remoteScorer: remote }, t.options);
    expect(summary).toMatchObject({ scorer: 'embedded', fallbackReason: 'Could not find endpoint "cad-prod-rcf"' });
    expect(t.metrics.total('ScorerFallbacks')).toBe(1);
    expect(t.log.messages('warn')).toContain('remote model unavailable: scored with the embedded detector');
  });

  it('lets the remote model decide when it answers, with the embedded detector explaining', async () => {
    const t = setup();
    const remote: RemoteScorer = { name: 'sagemaker', score: async (s) => ({ scores: s.map((x) => (x.containerId === 'api-2' ? 3 : 0.1)), threshold: 1 }) };
    const summary = await runCycle({ ...t.deps, remoteScorer: remote }, t.options);
    expect(summary.scorer).toBe('sagemaker');
    expect(summary.anomalyDetails.map((a) => a.containerId)).toEqual(['api-2']);
  });

  it('persists the detector state and restores it on the next run', async () => {
    const t = setup();
    await runCycle(t.deps, t.options);
    expect(new TextDecoder().decode(t.store.objects.get('state/env=prod/detector-state.bin')!.body)).toBe('state:3');
    await runCycle(t.deps, { ...t.options, runKey: 'evt-2', runId: 'run-2' });
    expect((t.deps.detectors as ScriptedDetectorFactory).restored).toEqual(['state:3']);
  });

  it('keeps unreadable detector state aside and starts fresh instead of failing', async () => {
    const t = setup();
    await t.store.put('state/env=prod/detector-state.bin', new TextEncoder().encode('garbage'));
    const summary = await runCycle(t.deps, t.options);
    expect(summary.containers).toBe(3);
    expect(t.store.keys()).toContain('state/env=prod/detector-state.unreadable-run-1.bin');
    expect(t.log.messages('error')).toContain('detector state unusable: kept aside, starting fresh models');
  });

  it('releases the alert when SNS fails, so the next run can send it', async () => {
    const t = setup();
    t.alerter.fail = true;
    const first = await runCycle(t.deps, t.options);
    expect(first.degraded).toBe(true);
    t.alerter.fail = false;
    const second = await runCycle(t.deps, { ...t.options, runKey: 'evt-2', runId: 'run-2' });
    expect(second.alertMessageId).toBe('msg-1');
  });

  it('scores only its shard of the fleet and keeps per-shard state', async () => {
    const t = setup();
    const shard = { index: 0, count: 2 };
    const summary = await runCycle(t.deps, { ...t.options, shard });
    const expected = ['api-1', 'api-2', 'web-1'].filter((id) => inShard(id, shard));
    expect(summary.containers).toBe(expected.length);
    expect(stateKeyFor('prod', shard)).toBe('state/env=prod/detector-state-0-of-2.bin');
    expect(t.store.keys()).toContain('state/env=prod/detector-state-0-of-2.bin');
  });
});

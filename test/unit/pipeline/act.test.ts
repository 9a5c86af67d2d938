/** The action step through whole cycles: scoped, bounded, temporary, visible; one alert per incident transition. */
import { runCycle, type CycleOptions } from '../../../src/pipeline/run-cycle';
import { archiveKeys } from '../../../src/config/naming';
import type { RemoteScorer } from '../../../src/pipeline/ports';
import { START, actHarness, sample } from '../../support/act-harness';

describe('scoped scaling', () => {
  // Defect 1.
  it('never scales a service of the same name in another cluster', async () => {
    const t = actHarness([sample('c1', 'checkout-api', 'apps-staging')]);
    const summary = await t.next();
    expect(t.scaler.updates).toEqual([]);
    expect(t.scaler.describe).not.toHaveBeenCalled();
    expect(summary.actionDetails).toEqual([{ cluster: 'apps-staging', service: 'checkout-api', outcome: 'skipped', reason: 'not-configured' }]);
  });

  // Defect 4.
  it('skips and reports a scale-out when a person scaled the service between the read and the write', async () => {
    const t = actHarness();
    const describe = t.scaler.describe.getMockImplementation()!;
    t.scaler.describe.mockImplementationOnce(async (cluster, service) => {
      const seen = await describe(cluster, service);
      t.scaler.state.get('checkout-api')!.desiredCount = 12; // someone scales 4 → 12 right after our read
      return seen;
    });
    const summary = await t.next();
    expect(t.scaler.updates).toEqual([]);
    expect(t.scaler.state.get('checkout-api')!.desiredCount).toBe(12);
    expect(summary.actionDetails).toEqual([expect.objectContaining({ outcome: 'skipped', reason: 'changed-since-read: desired-count is now 12' })]);
    // Nothing was raised, so nothing will be given back, and the next run may act.
    expect(t.ledger().raised).toEqual({});
    expect(t.ledger().lastScaledAt).toEqual({});
  });
});

describe('temporary scale-outs', () => {
  async function incidentThenQuiet(t: ReturnType<typeof actHarness>, extra: Partial<CycleOptions> = {}) {
    const summaries = [await t.next(extra)];
    t.detector.anomalous = new Map();
    // Quiet for 30 minutes (the quiet period) resolves the incident; the 15-minute cooldown has long passed.
    for (let i = 0; i < 7; i++) summaries.push(await t.next(extra));
    return summaries;
  }

  // Defect 3.
  it('gives the capacity back once the incident is resolved, and says so in the resolved alert', async () => {
    const t = actHarness();
    const summaries = await incidentThenQuiet(t);
    expect(t.scaler.updates).toEqual([{ service: 'checkout-api', desiredCount: 5 }, { service: 'checkout-api', desiredCount: 4 }]);
    expect(summaries[6].actionDetails).toEqual([{ cluster: 'apps-prod', service: 'checkout-api', outcome: 'restored', from: 5, to: 4, reason: 'desired-count' }]);
    expect(t.alerter.published.map((m) => [m.subject, m.attributes.status])).toEqual([
      ['[prod] WARNING: opened checkout-api', 'firing'],
      ['[prod] RESOLVED: resolved checkout-api', 'resolved'],
    ]);
    expect(JSON.parse(t.alerter.published[1].body).actions).toEqual([expect.objectContaining({ outcome: 'restored', from: 5, to: 4 })]);
    expect(t.ledger().raised).toEqual({});
    expect(t.metrics.total('ScaleRestores')).toBe(1);
  });

  it('returns a raised auto-scaling minimum to its previous value, never touching the maximum', async () => {
    const t = actHarness();
    t.scaler.state.set('checkout-api', { desiredCount: 5, runningCount: 5, autoScaling: { minCapacity: 4, maxCapacity: 50 } });
    await incidentThenQuiet(t);
    expect(t.scaler.minRaises).toEqual([{ service: 'checkout-api', minCapacity: 6 }, { service: 'checkout-api', minCapacity: 4 }]);
    expect(t.scaler.state.get('checkout-api')!.autoScaling).toEqual({ minCapacity: 4, maxCapacity: 50 });
  });

  it('leaves the service as a person set it during the incident, and says so', async () => {
    const t = actHarness();
    await t.next();
    t.scaler.state.get('checkout-api')!.desiredCount = 9;
    t.detector.anomalous = new Map();
    const summaries = [];
    for (let i = 0; i < 7; i++) summaries.push(await t.next());
    expect(t.scaler.state.get('checkout-api')!.desiredCount).toBe(9);
    expect(summaries[5].actionDetails).toEqual([expect.objectContaining({ outcome: 'left-as-changed', reason: 'desired-count is 9, not the 5 we set: left as is' })]);
    expect(t.ledger().raised).toEqual({});
  });

  it('keeps the incident and the capacity while the service is missing from the data, and gives it back once seen healthy for the quiet period', async () => {
    const t = actHarness();
    await t.next();
    const bringBack = t.hideData();
    t.detector.anomalous = new Map();
    for (let i = 0; i < 8; i++) await t.next();
    expect(t.scaler.state.get('checkout-api')!.desiredCount).toBe(5);
    // Blind is not healthy: no resolved page while the data is missing.
    expect(t.alerter.published.map((m) => m.attributes.status)).toEqual(['firing']);
    bringBack();
    // Once back, a full quiet period (30 minutes) seen clear.
    const back = [];
    for (let i = 0; i < 7; i++) back.push(await t.next());
    expect(back.slice(0, 6).flatMap((s) => s.actionDetails)).toEqual([]);
    expect(back[6].actionDetails).toEqual([expect.objectContaining({ outcome: 'restored', from: 5, to: 4 })]);
    expect(t.alerter.published.map((m) => m.attributes.status)).toEqual(['firing', 'resolved']);
  });

  it('reports the would-restore in a dry run and changes nothing', async () => {
    const t = actHarness();
    const summaries = await incidentThenQuiet(t, { dryRun: true });
    expect(t.scaler.updates).toEqual([]);
    expect(summaries[0].actionDetails).toEqual([expect.objectContaining({ outcome: 'would-scale', from: 4, to: 5 })]);
    expect(summaries[6].actionDetails).toEqual([expect.objectContaining({ outcome: 'would-restore', from: 5, to: 4 })]);
  });
});

describe('incidents, not messages', () => {
  // Defect 6: 6 alerts in 25 minutes for a scale-out that kept failing.
  it('alerts a scale-out that keeps failing once (as an escalation), while every run shows as degraded', async () => {
    const t = actHarness();
    t.scaler.failUpdateFor.add('checkout-api');
    const summaries = [];
    for (let i = 0; i < 6; i++) summaries.push(await t.next());
    expect(summaries.every((s) => s.degraded)).toBe(true);
    expect(t.alerter.published.map((m) => [m.subject, m.attributes.severity])).toEqual([['[prod] CRITICAL: opened checkout-api; escalated checkout-api', 'critical']]);
  });

  it('alerts a service that cannot be described once, and counts it as a failure', async () => {
    const t = actHarness();
    t.scaler.state.delete('checkout-api');
    const summaries = [];
    for (let i = 0; i < 6; i++) summaries.push(await t.next());
    expect(summaries[0].actionDetails).toEqual([expect.objectContaining({ outcome: 'failed', reason: 'describe failed: ServiceNotFoundException: checkout-api' })]);
    expect(summaries.every((s) => s.degraded)).toBe(true);
    expect(t.alerter.published).toHaveLength(1);
  });

  // Defect 6: dry-run with a lasting anomaly sent 12 an hour; the SageMaker path had no quiet period.
  it.each([
    ['a dry run', { dryRun: true }, undefined],
    ['the SageMaker scorer', {}, { name: 'sagemaker', score: async (s) => ({ scores: s.map(() => 5), threshold: 1 }) } as RemoteScorer],
  ])('sends one alert for an anomaly lasting an hour, through %s', async (_name, extra: Partial<CycleOptions>, remoteScorer) => {
    const t = actHarness();
    const deps = { ...t.deps, remoteScorer };
    for (let i = 0; i < 12; i++) await t.next(extra, deps);
    expect(t.alerter.published).toHaveLength(1);
  });

  // Defect 7: ~1,000 anomalies made a 296 KB body: publishing failed every run.
  it('pages in a fleet-wide incident: the message fits SNS and the full list is in S3', async () => {
    const samples = Array.from({ length: 1000 }, (_, i) => sample(`container-${i}-${'x'.repeat(40)}`, `service-${i % 40}-${'y'.repeat(30)}`));
    const t = actHarness(samples);
    const summary = await t.next();
    expect(summary.alertMessageId).toBe('msg-1');
    const body = JSON.parse(t.alerter.published[0].body);
    expect(body.anomaliesTotal).toBe(1000);
    const full = JSON.parse(new TextDecoder().decode(t.store.objects.get(body.fullList)!.body));
    expect(full.anomalies).toHaveLength(1000);
    expect(body.fullList).toBe(summary.archiveKey.replace('.jsonl.gz', '.alert.json'));
  });

  it('marks the run degraded when the alert cannot be published, and sends it on the next run', async () => {
    const t = actHarness();
    t.alerter.fail = true;
    expect((await t.next()).degraded).toBe(true);
    expect(t.metrics.total('DegradedRuns')).toBe(1);
    t.alerter.fail = false;
    expect((await t.next()).alertMessageId).toBe('msg-1');
    expect(t.alerter.published[0].subject).toBe('[prod] WARNING: opened checkout-api');
  });
});

describe('no silent blind spots', () => {
  // Defect 8: an older detector state format re-warmed for two days without a word.
  it('marks runs warming after a detector state of another format, with a metric and one alert saying until when', async () => {
    const t = actHarness();
    t.detector.anomalous = new Map();
    await t.store.put('state/env=prod/detector-state.bin', new TextEncoder().encode('v10:old'));
    const first = await t.next();
    const second = await t.next();
    expect(first.warmingUntil).toBe('2026-11-26T10:05:00.000Z');
    expect(second.warmingUntil).toBe('2026-11-26T10:05:00.000Z');
    expect(t.metrics.values.filter((v) => v.name === 'DetectorWarming').map((v) => v.value)).toEqual([1, 1]);
    expect(t.alerter.published).toHaveLength(1);
    expect(JSON.parse(t.alerter.published[0].body).notices).toEqual([
      { kind: 'detector-warming', text: 'detection limited until 2026-11-26T10:05:00.000Z: detector state format 10 replaced by 11: the embedded models re-learn from scratch' },
    ]);
    expect(t.store.keys()).toContain('state/env=prod/detector-state.unreadable-run-1.bin');
    // Once the warm-up is over, runs are no longer marked.
    t.deps.clock.now = () => new Date(START + 2 * 24 * 3600_000 + 60_000);
    const later = await runCycle(t.deps, { ...t.options, runKey: 'evt-late', runId: 'run-late' });
    expect(later.warmingUntil).toBeUndefined();
  });

  it('re-learns, warming and saying why, a detector state learned under another time zone', async () => {
    const t = actHarness();
    t.detector.anomalous = new Map();
    await t.store.put('state/env=prod/detector-state.bin', new TextEncoder().encode('utc:learned'));
    const first = await t.next();
    expect(first.warmingUntil).toBe('2026-11-26T10:05:00.000Z');
    expect(JSON.parse(t.alerter.published[0].body).notices).toEqual([
      { kind: 'detector-warming', text: 'detection limited until 2026-11-26T10:05:00.000Z: detector options changed (timeZone): the embedded models re-learn from scratch' },
    ]);
    expect(t.store.keys()).toContain('state/env=prod/detector-state.unreadable-run-1.bin');
  });

  // Defect 9: a corrupt, null or old-version ledger failed the run with TypeErrors.
  it.each(['null', '{"version":2,"raised":7}', '{"version":99}', '{ not json'])('keeps an unreadable ledger (%s) aside, alerts once and still acts', async (text) => {
    const t = actHarness();
    await t.store.put(archiveKeys.actionLedger('prod'), new TextEncoder().encode(text));
    const first = await t.next();
    expect(first.degraded).toBe(true);
    expect(t.metrics.total('LedgerResets')).toBe(1);
    expect(t.scaler.updates).toEqual([{ service: 'checkout-api', desiredCount: 5 }]);
    expect(new TextDecoder().decode(t.store.objects.get('state/env=prod/action-ledger.unreadable-run-1.json')!.body)).toBe(text);
    expect(JSON.parse(t.alerter.published[0].body).notices).toEqual([expect.objectContaining({ kind: 'ledger-reset' })]);
    const second = await t.next();
    expect(second.degraded).toBe(false);
    expect(t.alerter.published).toHaveLength(1);
  });
});

/**
 * The action step against what production does to it: dry run switched off
 * mid-incident, a person changing a service between two of our raises. Each
 * case is a defect found in review of #16 and fails without its fix.
 */
import { archiveKeys } from '../../../src/config/naming';
import { actHarness } from '../../support/act-harness';

describe('scale-outs given back as they were made', () => {
  it('gives back a real scale-out made after dry run was switched off mid-incident', async () => {
    const t = actHarness();
    await t.next({ dryRun: true }); // would-scale 4 → 5, recorded as a dry run's
    for (let i = 0; i < 3; i++) await t.next(); // dry run off: after the 15-minute cooldown, a real 4 → 5
    expect(t.scaler.updates).toEqual([{ service: 'checkout-api', desiredCount: 5 }]);
    t.detector.anomalous = new Map();
    for (let i = 0; i < 7; i++) await t.next();
    expect(t.scaler.updates).toEqual([{ service: 'checkout-api', desiredCount: 5 }, { service: 'checkout-api', desiredCount: 4 }]);
    expect(t.scaler.state.get('checkout-api')!.desiredCount).toBe(4);
  });

  it('keeps a real scale-out to give back when dry run is switched on mid-incident', async () => {
    const t = actHarness();
    await t.next(); // real 4 → 5
    for (let i = 0; i < 3; i++) await t.next({ dryRun: true }); // would-scale 5 → 6: nothing written
    t.detector.anomalous = new Map();
    for (let i = 0; i < 7; i++) await t.next();
    expect(t.scaler.state.get('checkout-api')!.desiredCount).toBe(4);
  });

  it.each([
    ['scales up by hand', 10],
    ['scales down by hand (to shed a bad deploy)', 3],
  ])('stops acting on a service for the rest of its incident once a person %s, and leaves it as they set it', async (_what, value) => {
    const t = actHarness();
    await t.next(); // 4 → 5
    t.scaler.state.get('checkout-api')!.desiredCount = value;
    const during = [];
    for (let i = 0; i < 6; i++) during.push(await t.next()); // the anomaly goes on past the cooldown
    expect(t.scaler.updates).toEqual([{ service: 'checkout-api', desiredCount: 5 }]);
    expect(during[5].actionDetails).toEqual([{ cluster: 'apps-prod', service: 'checkout-api', outcome: 'skipped', reason: 'changed-by-person' }]);
    t.detector.anomalous = new Map();
    const after = [];
    for (let i = 0; i < 7; i++) after.push(await t.next());
    expect(t.scaler.state.get('checkout-api')!.desiredCount).toBe(value);
    expect(after.flatMap((s) => s.actionDetails)).toEqual([expect.objectContaining({ outcome: 'left-as-changed' })]);
  });
});

describe('incidents resolve on evidence', () => {
  // The local run's 300-minute memory leak: one alarm (the model alarms once per unusual stretch), then
  // "clear" for the quiet period, resolved, and its scale-out given back while the leak went on.
  it('keeps the scale-out and sends no resolved while the container that raised it is still unusual', async () => {
    const t = actHarness();
    await t.next(); // the one alarm: 4 → 5
    t.detector.anomalous = new Map();
    t.detector.stillUnusual.add('c1');
    for (let i = 0; i < 24; i++) await t.next(); // two hours of the stretch going on
    expect(t.scaler.state.get('checkout-api')!.desiredCount).toBe(5);
    expect(t.alerter.published.map((m) => m.attributes.status)).toEqual(['firing']);
    t.detector.stillUnusual.clear(); // the leak ends (the task is replaced)
    const after = [];
    for (let i = 0; i < 6; i++) after.push(await t.next());
    // 30 minutes (the quiet period) after the last unusual sample.
    expect(after.slice(0, 5).flatMap((s) => s.actionDetails)).toEqual([]);
    expect(after[5].actionDetails).toEqual([expect.objectContaining({ outcome: 'restored', from: 5, to: 4 })]);
    expect(t.alerter.published.map((m) => m.attributes.status)).toEqual(['firing', 'resolved']);
  });
});

describe('no page lost to a run that dies half-way', () => {
  /** The run dies after its first ledger write (a Lambda timeout, S3 failing): as if the process stopped there. */
  function dieAfterFirstLedgerWrite(t: ReturnType<typeof actHarness>) {
    const put = t.store.put.bind(t.store);
    let ledgerWrites = 0;
    jest.spyOn(t.store, 'put').mockImplementation(async (key, body, options) => {
      if (key === archiveKeys.actionLedger('prod') && ++ledgerWrites === 2) throw new Error('Task timed out after 30.00 seconds');
      return put(key, body, options);
    });
    return () => jest.mocked(t.store.put).mockRestore();
  }

  it('pages the incident a dead run opened, on its retry', async () => {
    const t = actHarness();
    const revive = dieAfterFirstLedgerWrite(t);
    await expect(t.next()).rejects.toThrow('Task timed out');
    revive();
    // The scheduler retries the same event.
    await t.next({ runKey: 'evt-1', runId: 'run-1-retry' });
    expect(t.alerter.published.map((m) => m.subject)).toEqual(['[prod] WARNING: opened checkout-api']);
  });

  it('pages what a run that died while publishing was sending, once no Lambda can still be running it', async () => {
    const t = actHarness();
    // SNS hangs until the Lambda times out: the run recorded its message as being sent, then died.
    jest.spyOn(t.alerter, 'publish').mockImplementationOnce(() => new Promise<string>(() => undefined));
    void t.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 3; i++) await t.next(); // up to 15 minutes later: it may still be running
    expect(t.alerter.published).toEqual([]);
    await t.next(); // 20 minutes: past Lambda's 15-minute limit
    expect(t.alerter.published.map((m) => m.subject)).toEqual(['[prod] WARNING: opened checkout-api']);
    await t.next();
    expect(t.alerter.published).toHaveLength(1);
  });

  it('pages the incident a dead run opened, on the next scheduled run', async () => {
    const t = actHarness();
    const revive = dieAfterFirstLedgerWrite(t);
    await expect(t.next()).rejects.toThrow('Task timed out');
    revive();
    await t.next();
    expect(t.alerter.published.map((m) => m.subject)).toEqual(['[prod] WARNING: opened checkout-api']);
  });
});

describe('a restore that is interrupted', () => {
  it('is carried out by the next run when the run giving the capacity back never finished', async () => {
    const t = actHarness();
    await t.incidentThenQuiet(5); // 4 → 5, quiet for 25 minutes
    // The run that resolves the incident hangs in UpdateService until the Lambda times out.
    jest.spyOn(t.scaler, 'setDesiredCount').mockImplementationOnce(() => new Promise<void>(() => undefined));
    void t.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(t.scaler.state.get('checkout-api')!.desiredCount).toBe(5);
    const next = await t.next();
    expect(next.actionDetails).toEqual([expect.objectContaining({ outcome: 'restored', from: 5, to: 4 })]);
    expect(t.scaler.state.get('checkout-api')!.desiredCount).toBe(4);
  });

  it('is reported as done, not as a person\'s change, when the interrupted run had already written it', async () => {
    const t = actHarness();
    await t.incidentThenQuiet(5); // 4 → 5, quiet for 25 minutes
    // The restore is written, then the run dies before it records that.
    const put = t.store.put.bind(t.store);
    const spy = jest.spyOn(t.store, 'put').mockImplementation(async (key, body, options) => {
      if (key === archiveKeys.actionLedger('prod') && t.scaler.updates.length === 2) throw new Error('Task timed out after 30.00 seconds');
      return put(key, body, options);
    });
    await expect(t.next()).rejects.toThrow('Task timed out');
    spy.mockRestore();
    const next = await t.next();
    expect(next.actionDetails).toEqual([expect.objectContaining({ outcome: 'restored', from: 5, to: 4 })]);
    expect(t.ledger().raised).toEqual({});
    expect(t.scaler.updates).toHaveLength(2);
  });
});

describe('an incident without data', () => {
  it('counts open incidents whose service has been missing from the data, for an alarm', async () => {
    const t = actHarness();
    await t.next();
    const bringBack = t.hideData();
    for (let i = 0; i < 3; i++) await t.next(); // 15 minutes without checkout-api's samples
    bringBack();
    t.detector.anomalous = new Map();
    await t.next();
    expect(t.metrics.values.filter((v) => v.name === 'BlindIncidents').map((v) => v.value)).toEqual([0, 0, 1, 1, 0]);
  });
});

describe('a concurrent run', () => {
  it('that resolved an incident between our read and our write is no failure of ours', async () => {
    const t = actHarness();
    await t.incidentThenQuiet(4); // 4 → 5, quiet for 20 minutes
    // Another invocation resolves the incident right after this run's first look at the ledger.
    const get = t.store.get.bind(t.store);
    let reads = 0;
    jest.spyOn(t.store, 'get').mockImplementation(async (key) => {
      if (key === archiveKeys.actionLedger('prod') && ++reads === 3) {
        const ledger = t.ledger();
        delete ledger.incidents['apps-prod/checkout-api'];
        await t.store.put(key, new TextEncoder().encode(JSON.stringify(ledger)));
      }
      return get(key);
    });
    const summary = await t.next();
    expect(summary.actionDetails.filter((a) => a.outcome === 'failed')).toEqual([]);
    expect(summary.degraded).toBe(false);
  });
});

describe('a restore that keeps failing', () => {
  it('is alerted once, naming the service, while every such run is degraded', async () => {
    const t = actHarness();
    await t.incidentThenQuiet(5); // 4 → 5, quiet for 25 minutes
    t.scaler.failUpdateFor.add('checkout-api'); // e.g. the role lost UpdateService
    const runs = [];
    for (let i = 0; i < 4; i++) runs.push(await t.next());
    expect(runs.every((r) => r.degraded)).toBe(true);
    expect(t.alerter.published.map((m) => m.subject)).toEqual([
      '[prod] WARNING: opened checkout-api',
      '[prod] WARNING: resolved checkout-api; restore-failed checkout-api',
    ]);
    expect(JSON.parse(t.alerter.published[1].body).actions).toEqual([expect.objectContaining({ outcome: 'failed', reason: 'restore failed: AccessDeniedException for checkout-api' })]);
    expect(t.ledger().raised['apps-prod/checkout-api']).toEqual(expect.objectContaining({ to: 5, from: 4 }));
  });

  it('is alerted again for the next incident\'s scale-out', async () => {
    const t = actHarness();
    const incidentThenFailedRestore = async () => {
      t.detector.anomalous = new Map([['c1', { metric: 'cpu_pct', direction: 'high' }]]);
      t.scaler.failUpdateFor.delete('checkout-api');
      await t.next();
      t.detector.anomalous = new Map();
      for (let i = 0; i < 5; i++) await t.next();
      t.scaler.failUpdateFor.add('checkout-api');
      for (let i = 0; i < 2; i++) await t.next();
    };
    await incidentThenFailedRestore(); // 4 → 5, stuck at 5
    for (let i = 0; i < 3; i++) await t.next(); // past the cooldown
    await incidentThenFailedRestore(); // 5 → 6, stuck at 6
    expect(t.alerter.published.filter((m) => m.subject.includes('restore-failed'))).toHaveLength(2);
  });
});

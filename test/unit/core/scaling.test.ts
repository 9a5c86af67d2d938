import { planScaling, restoreCandidates, scaleCandidates, type ObservedService, type ScalingConfig } from '../../../src/core/scaling';
import { emptyLedger, scaleKey, type ActionLedger } from '../../../src/core/ledger';
import type { Anomaly } from '../../../src/core/model';

const config: ScalingConfig = {
  services: [{ cluster: 'apps', name: 'api', minTasks: 2, maxTasks: 6 }, { cluster: 'apps', name: 'worker', minTasks: 1, maxTasks: 3 }],
  step: 1,
  criticalStep: 2,
  cooldownMinutes: 15,
};
const now = new Date('2026-11-24T10:00:00Z');
/** The services scored in the run. */
const seen = new Set(['apps/api', 'apps/worker']);
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
const anomaly = (service: string, extra: Partial<Anomaly> = {}): Anomaly => ({
  containerId: `${service}-1`, service, cluster: 'apps', timestamp: now.toISOString(), score: 2, threshold: 1,
  severity: 'warning', kind: 'saturation', topMetrics: ['cpu_pct'], scorer: 'embedded', ...extra,
});
function plan(anomalies: Anomaly[], observed: Record<string, ObservedService>, ledger: ActionLedger = emptyLedger()) {
  return planScaling({ anomalies, observed: new Map(Object.entries(observed)), seen, config, ledger, runKey: 'evt-1', now });
}
const skipped = (service: string, reason: string, cluster = 'apps') => ({ scaleOuts: [], restores: [], skipped: [{ cluster, service, reason }] });

describe('scaling plan', () => {
  it('adds one task for a warning', () => {
    expect(plan([anomaly('api')], { 'apps/api': { desiredCount: 3 } }).scaleOuts).toEqual([
      { key: 'apps/api', service: 'api', cluster: 'apps', severity: 'warning', mode: 'desired-count', from: 3, to: 4 },
    ]);
  });

  it('adds the critical step for a critical anomaly', () => {
    expect(plan([anomaly('api', { severity: 'critical' })], { 'apps/api': { desiredCount: 3 } }).scaleOuts[0].to).toBe(5);
  });

  it('clamps to the service maximum and skips a service already at it', () => {
    expect(plan([anomaly('api', { severity: 'critical' })], { 'apps/api': { desiredCount: 5 } }).scaleOuts[0].to).toBe(6);
    expect(plan([anomaly('api')], { 'apps/api': { desiredCount: 6 } })).toEqual(skipped('api', 'at-max'));
  });

  it('raises a service below its minimum to at least the minimum', () => {
    expect(plan([anomaly('worker')], { 'apps/worker': { desiredCount: 0 } }).scaleOuts[0]).toMatchObject({ from: 0, to: 1 });
  });

  it('never scales a service that is not configured', () => {
    expect(plan([anomaly('billing')], { 'apps/billing': { desiredCount: 1 } })).toEqual(skipped('billing', 'not-configured'));
  });

  // Defect 1: an anomaly on checkout-api in apps-staging scaled apps-prod/checkout-api.
  it('acts only on the cluster the anomaly came from: the same service name elsewhere is another service', () => {
    const staging = anomaly('api', { cluster: 'apps-staging' });
    expect(plan([staging], { 'apps/api': { desiredCount: 3 } })).toEqual(skipped('api', 'not-configured', 'apps-staging'));
    expect(scaleCandidates([staging], config)).toEqual([]);
    expect(scaleCandidates([staging, anomaly('api')], config)).toEqual(['apps/api']);
  });

  it('does not scale out for a drop or outage', () => {
    expect(plan([anomaly('api', { kind: 'drop' })], { 'apps/api': { desiredCount: 3 } })).toEqual(skipped('api', 'drop-not-scalable'));
  });

  it('respects the per-service cooldown', () => {
    const ledger = emptyLedger();
    ledger.lastScaledAt['apps/api'] = minutesAgo(10);
    expect(plan([anomaly('api')], { 'apps/api': { desiredCount: 3 } }, ledger).skipped).toEqual([{ cluster: 'apps', service: 'api', reason: 'cooldown' }]);
    ledger.lastScaledAt['apps/api'] = minutesAgo(15);
    expect(plan([anomaly('api')], { 'apps/api': { desiredCount: 3 } }, ledger).scaleOuts).toHaveLength(1);
  });

  it('does nothing for a run that already scaled this service (a retry)', () => {
    const ledger = emptyLedger();
    ledger.scaleActions[scaleKey('evt-1', 'apps/api')] = { at: now.toISOString(), cluster: 'apps', service: 'api', action: 'scale-out', from: 3, to: 4, mode: 'desired-count', status: 'done' };
    expect(plan([anomaly('api')], { 'apps/api': { desiredCount: 4 } }, ledger).skipped).toEqual([{ cluster: 'apps', service: 'api', reason: 'already-done' }]);
  });

  // Defect 2: min 4 / max 50 with maxTasks 24 was registered as min 7, max 24.
  it('raises only the auto-scaling minimum, within the target maximum and maxTasks, never planning a maximum', () => {
    const wide: ScalingConfig = { ...config, services: [{ cluster: 'apps', name: 'api', minTasks: 1, maxTasks: 24 }] };
    const p = planScaling({ anomalies: [anomaly('api')], observed: new Map([['apps/api', { desiredCount: 5, autoScaling: { minCapacity: 4, maxCapacity: 50 } }]]), seen, config: wide, ledger: emptyLedger(), runKey: 'e', now });
    expect(p.scaleOuts).toEqual([{ key: 'apps/api', service: 'api', cluster: 'apps', severity: 'warning', mode: 'min-capacity', from: 4, to: 6 }]);
    // A target whose own maximum is lower than maxTasks caps the new minimum.
    expect(plan([anomaly('api', { severity: 'critical' })], { 'apps/api': { desiredCount: 3, autoScaling: { minCapacity: 2, maxCapacity: 4 } } }).scaleOuts[0].to).toBe(4);
  });

  it('reports a service it could not describe instead of guessing', () => {
    expect(plan([anomaly('api')], {}).skipped).toEqual([{ cluster: 'apps', service: 'api', reason: 'describe-failed' }]);
  });

  it('keeps the starting point of an incident when raising again, and refuses to switch scaling mode mid-incident', () => {
    const ledger = emptyLedger();
    ledger.raised['apps/api'] = { cluster: 'apps', service: 'api', mode: 'desired-count', from: 3, to: 4, at: minutesAgo(20), dryRun: false };
    expect(plan([anomaly('api')], { 'apps/api': { desiredCount: 4, autoScaling: { minCapacity: 4, maxCapacity: 9 } } }, ledger).skipped)
      .toEqual([{ cluster: 'apps', service: 'api', reason: 'scaling-mode-changed' }]);
  });
});

describe('restores', () => {
  const raisedLedger = (lastScaledMinutesAgo: number, dryRun = false) => {
    const ledger = emptyLedger();
    ledger.raised['apps/api'] = { cluster: 'apps', service: 'api', mode: 'min-capacity', from: 2, to: 5, at: minutesAgo(90), dryRun };
    ledger.lastScaledAt['apps/api'] = minutesAgo(lastScaledMinutesAgo);
    return ledger;
  };

  it('gives back a scale-out once its incident is closed and the cooldown has passed', () => {
    const ledger = raisedLedger(30);
    expect(restoreCandidates(ledger, config, now, seen)).toEqual(['apps/api']);
    expect(plan([], { 'apps/api': { desiredCount: 5, autoScaling: { minCapacity: 5, maxCapacity: 9 } } }, ledger).restores).toEqual([
      { key: 'apps/api', cluster: 'apps', service: 'api', mode: 'min-capacity', expected: 5, to: 2, dryRun: false },
    ]);
  });

  it('waits while the incident is open or the cooldown runs', () => {
    const open = raisedLedger(30);
    open.incidents['apps/api'] = { cluster: 'apps', service: 'api', openedAt: minutesAgo(90), lastSeenAt: minutesAgo(5), severity: 'warning', actionFailureNotified: false };
    expect(restoreCandidates(open, config, now, seen)).toEqual([]);
    expect(restoreCandidates(raisedLedger(10), config, now, seen)).toEqual([]);
  });

  it('does not give back capacity of a service whose data is missing from the run', () => {
    expect(restoreCandidates(raisedLedger(30), config, now, new Set(['apps/worker']))).toEqual([]);
  });

  it('reports a dry run restore without needing the service state', () => {
    expect(plan([], {}, raisedLedger(30, true)).restores).toEqual([expect.objectContaining({ key: 'apps/api', dryRun: true, to: 2 })]);
  });

  it('does not restore what it could not describe', () => {
    expect(plan([], {}, raisedLedger(30)).skipped).toEqual([{ cluster: 'apps', service: 'api', reason: 'describe-failed' }]);
  });
});

import { planScaling, type ObservedService, type ScalingConfig } from '../../../src/core/scaling';
import { emptyLedger, scaleKey, type ActionLedger } from '../../../src/core/ledger';
import type { Anomaly } from '../../../src/core/model';

const config: ScalingConfig = {
  cluster: 'apps',
  services: [{ name: 'api', minTasks: 2, maxTasks: 6 }, { name: 'worker', minTasks: 1, maxTasks: 3 }],
  step: 1,
  criticalStep: 2,
  cooldownMinutes: 15,
};
const now = new Date('2026-11-24T10:00:00Z');
const anomaly = (service: string, extra: Partial<Anomaly> = {}): Anomaly => ({
  containerId: `${service}-1`, service, cluster: 'apps', timestamp: now.toISOString(), score: 2, threshold: 1,
  severity: 'warning', kind: 'saturation', topMetrics: ['cpu_pct'], scorer: 'embedded', ...extra,
});
function plan(anomalies: Anomaly[], observed: Record<string, ObservedService>, ledger: ActionLedger = emptyLedger()) {
  return planScaling({ anomalies, observed: new Map(Object.entries(observed)), config, ledger, runKey: 'evt-1', now });
}

describe('scaling plan', () => {
  it('adds one task for a warning', () => {
    expect(plan([anomaly('api')], { api: { desiredCount: 3 } }).scaleOuts).toEqual([
      { service: 'api', cluster: 'apps', severity: 'warning', mode: 'desired-count', from: 3, to: 4, maxCapacity: 6 },
    ]);
  });

  it('adds the critical step for a critical anomaly', () => {
    expect(plan([anomaly('api', { severity: 'critical' })], { api: { desiredCount: 3 } }).scaleOuts[0].to).toBe(5);
  });

  it('clamps to the service maximum and skips a service already at it', () => {
    expect(plan([anomaly('api', { severity: 'critical' })], { api: { desiredCount: 5 } }).scaleOuts[0].to).toBe(6);
    expect(plan([anomaly('api')], { api: { desiredCount: 6 } })).toEqual({ scaleOuts: [], skipped: [{ service: 'api', reason: 'at-max' }] });
  });

  it('raises a service below its minimum to at least the minimum', () => {
    expect(plan([anomaly('worker')], { worker: { desiredCount: 0 } }).scaleOuts[0]).toMatchObject({ from: 0, to: 1 });
  });

  it('never scales a service that is not on the allow-list', () => {
    expect(plan([anomaly('billing')], { billing: { desiredCount: 1 } })).toEqual({ scaleOuts: [], skipped: [{ service: 'billing', reason: 'not-allow-listed' }] });
  });

  it('does not scale out for a drop or outage', () => {
    expect(plan([anomaly('api', { kind: 'drop' })], { api: { desiredCount: 3 } })).toEqual({ scaleOuts: [], skipped: [{ service: 'api', reason: 'drop-not-scalable' }] });
  });

  it('respects the per-service cooldown', () => {
    const ledger = emptyLedger();
    ledger.lastScaledAt.api = new Date(now.getTime() - 10 * 60_000).toISOString();
    expect(plan([anomaly('api')], { api: { desiredCount: 3 } }, ledger).skipped).toEqual([{ service: 'api', reason: 'cooldown' }]);
    ledger.lastScaledAt.api = new Date(now.getTime() - 15 * 60_000).toISOString();
    expect(plan([anomaly('api')], { api: { desiredCount: 3 } }, ledger).scaleOuts).toHaveLength(1);
  });

  it('does nothing for a run that already scaled this service (a retry)', () => {
    const ledger = emptyLedger();
    ledger.scaleActions[scaleKey('evt-1', 'api')] = { at: now.toISOString(), service: 'api', from: 3, to: 4, mode: 'desired-count', status: 'done' };
    expect(plan([anomaly('api')], { api: { desiredCount: 4 } }, ledger).skipped).toEqual([{ service: 'api', reason: 'already-done' }]);
  });

  it('raises the auto scaling minimum instead of the desired count when a scalable target exists', () => {
    expect(plan([anomaly('api')], { api: { desiredCount: 3, autoScaling: { minCapacity: 2, maxCapacity: 5 } } }).scaleOuts).toEqual([
      { service: 'api', cluster: 'apps', severity: 'warning', mode: 'min-capacity', from: 2, to: 4, maxCapacity: 5 },
    ]);
  });

  it('reports a service it could not describe instead of guessing', () => {
    expect(plan([anomaly('api')], {}).skipped).toEqual([{ service: 'api', reason: 'describe-failed' }]);
  });
});

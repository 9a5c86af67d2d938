import { buildSubject, planAlert, SUBJECT_LIMIT, type ActionOutcome } from '../../../src/core/alerting';
import { alertKey, emptyLedger } from '../../../src/core/ledger';
import type { Anomaly } from '../../../src/core/model';

const now = new Date('2026-11-24T10:00:00Z');
const anomaly = (id: string, service: string, extra: Partial<Anomaly> = {}): Anomaly => ({
  containerId: id, service, cluster: 'apps', timestamp: now.toISOString(), score: 2.5, threshold: 1.2,
  severity: 'warning', kind: 'saturation', topMetrics: ['cpu_pct'], scorer: 'embedded', ...extra,
});
const base = { environment: 'prod', runId: 'run-1', runKey: 'evt-1', suppressionMinutes: 60, now };

describe('alert plan', () => {
  it('sends one message listing anomalies and actions, with environment and severity', () => {
    const actions: ActionOutcome[] = [{ service: 'api', outcome: 'scaled', from: 3, to: 4 }];
    const plan = planAlert({ ...base, anomalies: [anomaly('c1', 'api', { severity: 'critical' }), anomaly('c2', 'web')], actions, ledger: emptyLedger() });
    expect(plan.message?.severity).toBe('critical');
    expect(plan.message?.subject).toBe('[prod] CRITICAL: 2 anomalies in api, web; scaled 1 service');
    const body = JSON.parse(plan.message!.body);
    expect(body).toMatchObject({ environment: 'prod', runId: 'run-1', severity: 'critical', actions });
    expect(body.anomalies.map((a: { containerId: string }) => a.containerId)).toEqual(['c1', 'c2']);
    expect(plan.alertedKeys).toEqual([alertKey('c1', 'saturation'), alertKey('c2', 'saturation')]);
  });

  it('sends nothing when nothing new happened', () => {
    expect(planAlert({ ...base, anomalies: [], actions: [{ service: 'api', outcome: 'skipped', reason: 'cooldown' }], ledger: emptyLedger() }).message).toBeUndefined();
  });

  it('does not re-alert the same container and kind inside the suppression window', () => {
    const ledger = emptyLedger();
    ledger.alerted[alertKey('c1', 'saturation')] = new Date(now.getTime() - 30 * 60_000).toISOString();
    expect(planAlert({ ...base, anomalies: [anomaly('c1', 'api')], actions: [], ledger }).message).toBeUndefined();
    // A different kind on the same container is news.
    expect(planAlert({ ...base, anomalies: [anomaly('c1', 'api', { kind: 'drop' })], actions: [], ledger }).message).toBeDefined();
    ledger.alerted[alertKey('c1', 'saturation')] = new Date(now.getTime() - 61 * 60_000).toISOString();
    expect(planAlert({ ...base, anomalies: [anomaly('c1', 'api')], actions: [], ledger }).message).toBeDefined();
  });

  it('publishes nothing for a retried run that already published', () => {
    const ledger = emptyLedger();
    ledger.alertsByRun['evt-1'] = { messageId: 'm-1', at: now.toISOString() };
    expect(planAlert({ ...base, anomalies: [anomaly('c9', 'api')], actions: [], ledger })).toEqual({ alertedKeys: [] });
  });

  it('keeps the subject within 100 characters', () => {
    const many = Array.from({ length: 30 }, (_, i) => anomaly(`c${i}`, `service-with-a-long-name-${i}`));
    const subject = buildSubject('production-eu', many, []);
    expect(subject.length).toBe(SUBJECT_LIMIT);
    expect(subject.endsWith('…')).toBe(true);
  });
});

import { emptyLedger, LedgerUnreadableError, parseLedger, pruneLedger } from '../../../src/core/ledger';

const services = [{ cluster: 'apps', name: 'api' }, { cluster: 'apps', name: 'web' }];

describe('action ledger', () => {
  it('round-trips through JSON', () => {
    const l = emptyLedger();
    l.lastScaledAt['apps/api'] = '2026-11-24T10:00:00.000Z';
    l.raised['apps/api'] = { cluster: 'apps', service: 'api', mode: 'desired-count', from: 3, to: 4, at: '2026-11-24T10:00:00.000Z', dryRun: false };
    expect(parseLedger(JSON.stringify(l), services)).toEqual(l);
  });

  // Defect 9: a corrupt, null or old-version ledger failed the run with TypeErrors.
  it.each([
    ['not json', 'not valid JSON'],
    ['null', 'unsupported version none (expected 2)'],
    ['[]', 'unsupported version none (expected 2)'],
    ['{"version":7}', 'unsupported version 7 (expected 2)'],
    ['{"version":2,"lastScaledAt":{"apps/api":42}}', 'lastScaledAt.apps/api'],
    ['{"version":1,"lastScaledAt":"yesterday"}', 'version 1 lastScaledAt'],
  ])('refuses %s with a clear error instead of a TypeError', (text, problem) => {
    expect(() => parseLedger(text, services)).toThrow(LedgerUnreadableError);
    expect(() => parseLedger(text, services)).toThrow(problem);
  });

  // What the #16 release wrote: a deploy of the review fixes must read it, not reset it and forget what to give back.
  it('reads a version-2 ledger written before pending alerts and incident evidence existed', () => {
    const incident = { cluster: 'apps', service: 'api', openedAt: '2026-11-24T09:00:00.000Z', lastSeenAt: '2026-11-24T09:50:00.000Z', severity: 'warning', actionFailureNotified: false };
    const raised = { cluster: 'apps', service: 'api', mode: 'desired-count', from: 3, to: 4, at: '2026-11-24T09:00:00.000Z', dryRun: false };
    const stored = { version: 2, lastScaledAt: {}, scaleActions: {}, raised: { 'apps/api': raised }, incidents: { 'apps/api': incident }, alertsByRun: { e1: { messageId: 'm', at: '2026-11-24T09:00:00.000Z' } }, notices: {} };
    const l = parseLedger(JSON.stringify(stored), services);
    expect(l).toEqual({ ...stored, pendingAlerts: [] });
  });

  it('migrates a version-1 ledger forward: cooldowns move to the configured service of that name', () => {
    const v1 = { version: 1, lastScaledAt: { api: '2026-11-24T10:00:00.000Z', gone: '2026-11-24T10:00:00.000Z' }, scaleActions: {}, alerted: { 'c1|drop': '2026-11-24T10:00:00.000Z' }, alertsByRun: { e1: { messageId: 'm', at: '2026-11-24T10:00:00.000Z' } } };
    const l = parseLedger(JSON.stringify(v1), services);
    expect(l).toEqual({ ...emptyLedger(), lastScaledAt: { 'apps/api': '2026-11-24T10:00:00.000Z' }, alertsByRun: v1.alertsByRun });
  });

  it('forgets finished entries older than the retention, but never what it still has to give back', () => {
    const l = emptyLedger();
    l.lastScaledAt['apps/api'] = '2026-11-01T00:00:00.000Z';
    l.alertsByRun.old = { messageId: 'm', at: '2026-11-01T00:00:00.000Z' };
    l.alertsByRun.new = { messageId: 'm', at: '2026-11-24T09:00:00.000Z' };
    l.raised['apps/api'] = { cluster: 'apps', service: 'api', mode: 'desired-count', from: 3, to: 4, at: '2026-11-01T00:00:00.000Z', dryRun: false };
    const pruned = pruneLedger(l, new Date('2026-11-24T10:00:00Z'), 7 * 24 * 3600_000);
    expect(Object.keys(pruned.alertsByRun)).toEqual(['new']);
    expect(pruned.lastScaledAt).toEqual({});
    expect(pruned.raised).toEqual(l.raised);
  });
});

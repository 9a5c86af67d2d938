import { emptyLedger, parseLedger, pruneLedger } from '../../../src/core/ledger';

describe('action ledger', () => {
  it('round-trips through JSON', () => {
    const l = emptyLedger();
    l.lastScaledAt.api = '2026-11-24T10:00:00.000Z';
    expect(parseLedger(JSON.stringify(l))).toEqual(l);
  });

  it('refuses an unknown version instead of silently resetting cooldowns', () => {
    expect(() => parseLedger('{"version":2}')).toThrow('action ledger has unsupported version 2');
    expect(() => parseLedger('not json')).toThrow();
  });

  it('forgets entries older than the retention', () => {
    const l = emptyLedger();
    l.alerted['old|drop'] = '2026-11-01T00:00:00.000Z';
    l.alerted['new|drop'] = '2026-11-24T09:00:00.000Z';
    l.alertsByRun.old = { messageId: 'm', at: '2026-11-01T00:00:00.000Z' };
    const pruned = pruneLedger(l, new Date('2026-11-24T10:00:00Z'), 7 * 24 * 3600_000);
    expect(Object.keys(pruned.alerted)).toEqual(['new|drop']);
    expect(pruned.alertsByRun).toEqual({});
  });
});

/**
 * The action ledger: what the detector did and told people, kept in one object
 * so a retried, concurrent or later run can see it. Cooldowns, idempotency of
 * scale-outs, the temporary capacity to give back, open incidents and notices
 * are all read from here. Pure data and functions; validated on every read.
 */
import { LEDGER_VERSION, ledgerSchema, ledgerV1Schema, type ActionLedger } from './ledger-schema';

export type { ActionLedger, Incident, RaisedCapacity, ScaleMode, ScaleRecord, ScaleStatus, Transition } from './ledger-schema';
export { LEDGER_VERSION } from './ledger-schema';

/** A stored ledger that cannot be used as is: not JSON, the wrong shape, or a version we cannot migrate. */
export class LedgerUnreadableError extends Error {
  constructor(readonly problem: string) {
    super(`action ledger unreadable: ${problem}`);
    this.name = 'LedgerUnreadableError';
  }
}

export function emptyLedger(): ActionLedger {
  return { version: LEDGER_VERSION, lastScaledAt: {}, scaleActions: {}, raised: {}, incidents: {}, alertsByRun: {}, notices: {}, pendingAlerts: [] };
}

/** `<cluster>/<service>`: the same name in two clusters is two services. */
export const serviceKey = (cluster: string, service: string) => `${cluster}/${service}`;
export const scaleKey = (runKey: string, key: string) => `${runKey}|${key}`;

function issuesOf(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

/**
 * Parses a stored ledger. Version 1 (cooldowns keyed by service name alone)
 * migrates forward: each cooldown moves to the configured service of that
 * name (version 1 acted on one cluster only); its per-container alert marks
 * have no incident equivalent and are dropped.
 * Anything else unreadable throws {@link LedgerUnreadableError}: never a
 * silent reset, which would forget what to give back.
 */
export function parseLedger(text: string, services: ReadonlyArray<{ cluster: string; name: string }>): ActionLedger {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new LedgerUnreadableError('not valid JSON');
  }
  const version = typeof raw === 'object' && raw !== null ? (raw as { version?: unknown }).version : undefined;
  if (version === 1) {
    const v1 = ledgerV1Schema.safeParse(raw);
    if (!v1.success) throw new LedgerUnreadableError(`version 1 ${issuesOf(v1.error)}`);
    const lastScaledAt: Record<string, string> = {};
    for (const [name, at] of Object.entries(v1.data.lastScaledAt)) {
      for (const s of services.filter((c) => c.name === name)) lastScaledAt[serviceKey(s.cluster, s.name)] = at;
    }
    return {
      ...emptyLedger(),
      lastScaledAt,
      alertsByRun: v1.data.alertsByRun,
    };
  }
  if (version !== LEDGER_VERSION) {
    throw new LedgerUnreadableError(`unsupported version ${JSON.stringify(version) ?? 'none'} (expected ${LEDGER_VERSION})`);
  }
  const parsed = ledgerSchema.safeParse(raw);
  if (!parsed.success) throw new LedgerUnreadableError(issuesOf(parsed.error));
  return parsed.data;
}

/** Forgets finished entries older than `retentionMs`; open incidents and capacity still to give back are kept. */
export function pruneLedger(ledger: ActionLedger, now: Date, retentionMs: number): ActionLedger {
  const cutoff = now.getTime() - retentionMs;
  const fresh = (iso: string) => Date.parse(iso) >= cutoff;
  const keep = <T>(rec: Record<string, T>, at: (v: T) => string) => Object.fromEntries(Object.entries(rec).filter(([, v]) => fresh(at(v))));
  return {
    ...ledger,
    lastScaledAt: keep(ledger.lastScaledAt, (v) => v),
    scaleActions: keep(ledger.scaleActions, (v) => v.at),
    alertsByRun: keep(ledger.alertsByRun, (v) => v.at),
  };
}

/**
 * The action ledger: what the detector already did, kept in one object so a
 * retried or concurrent run can see it. Cooldowns, idempotency of scale-outs
 * and alert suppression are all read from here. Pure data and functions.
 */
import type { AnomalyKind } from './model';

export type ScaleMode = 'desired-count' | 'min-capacity';
export type ScaleStatus = 'reserved' | 'done' | 'failed' | 'dry-run';

export interface ScaleRecord {
  at: string;
  service: string;
  from: number;
  to: number;
  mode: ScaleMode;
  status: ScaleStatus;
}

export interface ActionLedger {
  version: 1;
  /** Service → when it was last scaled out (ISO), for the cooldown. */
  lastScaledAt: Record<string, string>;
  /** `<runKey>|<service>` → the scale-out made for that run: a retried run finds it and does nothing. */
  scaleActions: Record<string, ScaleRecord>;
  /** `<containerId>|<kind>` → when it was last alerted (ISO), for suppression. */
  alerted: Record<string, string>;
  /** Run key → the SNS message it published: at most one message per run, even when retried. */
  alertsByRun: Record<string, { messageId: string; at: string }>;
}

export function emptyLedger(): ActionLedger {
  return { version: 1, lastScaledAt: {}, scaleActions: {}, alerted: {}, alertsByRun: {} };
}

export const scaleKey = (runKey: string, service: string) => `${runKey}|${service}`;
export const alertKey = (containerId: string, kind: AnomalyKind) => `${containerId}|${kind}`;

/** Parses a stored ledger; anything unreadable is an error, never silently reset (that would re-enable scaling). */
export function parseLedger(text: string): ActionLedger {
  const raw = JSON.parse(text) as Partial<ActionLedger>;
  if (raw.version !== 1) throw new Error(`action ledger has unsupported version ${String(raw.version)}`);
  return {
    version: 1,
    lastScaledAt: raw.lastScaledAt ?? {},
    scaleActions: raw.scaleActions ?? {},
    alerted: raw.alerted ?? {},
    alertsByRun: raw.alertsByRun ?? {},
  };
}

/** Forgets entries older than `retentionMs`, so the object stays small over months. */
export function pruneLedger(ledger: ActionLedger, now: Date, retentionMs: number): ActionLedger {
  const cutoff = now.getTime() - retentionMs;
  const fresh = (iso: string) => Date.parse(iso) >= cutoff;
  const keepRecords = <T>(rec: Record<string, T>, at: (v: T) => string) =>
    Object.fromEntries(Object.entries(rec).filter(([, v]) => fresh(at(v))));
  return {
    version: 1,
    lastScaledAt: keepRecords(ledger.lastScaledAt, (v) => v),
    scaleActions: keepRecords(ledger.scaleActions, (v) => v.at),
    alerted: keepRecords(ledger.alerted, (v) => v),
    alertsByRun: keepRecords(ledger.alertsByRun, (v) => v.at),
  };
}

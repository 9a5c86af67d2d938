/**
 * Incidents, not messages: a service's anomalies open an incident, which is
 * alerted when it opens, when it escalates (warning → critical, or an action
 * on it failed) and when it resolves (clear for the quiet period). Nothing in
 * between, whichever scorer found the anomalies and whether or not the run is
 * a dry run. At most one message per run, assembled by `alert-message.ts`.
 */
import type { Anomaly, Severity } from './model';
import { serviceKey, type ActionLedger, type Incident } from './ledger';
import { buildMessage, type AlertMessagePlan, type Notice } from './alert-message';

/** What the run did about a service, as reported in alerts and the run summary. */
export interface ActionOutcome {
  cluster: string;
  service: string;
  outcome: 'scaled' | 'min-capacity-raised' | 'would-scale' | 'restored' | 'would-restore' | 'left-as-changed' | 'skipped' | 'failed';
  from?: number;
  to?: number;
  reason?: string;
}

export interface Transition {
  kind: 'opened' | 'escalated' | 'resolved';
  key: string;
  cluster: string;
  service: string;
  severity: Severity;
  reason: string;
  /** The incident before this transition (undefined when it opened), to undo it if the alert is not sent. */
  before?: Incident;
}

const rank = (s: Severity) => (s === 'critical' ? 1 : 0);

/**
 * Applies this run's anomalies to the open incidents (mutating `ledger`):
 * opens, escalates, keeps alive, and resolves those clear for `quietMs`.
 */
export function updateIncidents(ledger: ActionLedger, anomalies: readonly Anomaly[], now: Date, quietMs: number): Transition[] {
  const at = now.toISOString();
  const seen = new Map<string, { cluster: string; service: string; severity: Severity; count: number }>();
  for (const a of anomalies) {
    const key = serviceKey(a.cluster, a.service);
    const s = seen.get(key);
    seen.set(key, { cluster: a.cluster, service: a.service, severity: s && rank(s.severity) > rank(a.severity) ? s.severity : a.severity, count: (s?.count ?? 0) + 1 });
  }
  const transitions: Transition[] = [];
  for (const [key, s] of [...seen].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const before = ledger.incidents[key];
    const base = { key, cluster: s.cluster, service: s.service, severity: s.severity };
    const plural = s.count === 1 ? '1 anomalous container' : `${s.count} anomalous containers`;
    if (!before) {
      ledger.incidents[key] = { cluster: s.cluster, service: s.service, openedAt: at, lastSeenAt: at, severity: s.severity, actionFailureNotified: false };
      transitions.push({ ...base, kind: 'opened', reason: plural });
      continue;
    }
    ledger.incidents[key] = { ...before, lastSeenAt: at, severity: rank(s.severity) > rank(before.severity) ? s.severity : before.severity };
    if (rank(s.severity) > rank(before.severity)) transitions.push({ ...base, kind: 'escalated', reason: `now critical: ${plural}`, before });
  }
  for (const [key, incident] of Object.entries(ledger.incidents).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (seen.has(key) || now.getTime() - Date.parse(incident.lastSeenAt) < quietMs) continue;
    delete ledger.incidents[key];
    const minutes = Math.round(quietMs / 60_000);
    transitions.push({ kind: 'resolved', key, cluster: incident.cluster, service: incident.service, severity: incident.severity, reason: `clear for ${minutes} minutes`, before: incident });
  }
  return transitions;
}

/** An action that failed on a service with an open incident escalates it, once per incident. */
export function escalateFailures(ledger: ActionLedger, failed: readonly ActionOutcome[]): Transition[] {
  const transitions: Transition[] = [];
  for (const f of failed) {
    const key = serviceKey(f.cluster, f.service);
    const before = ledger.incidents[key];
    if (!before || before.actionFailureNotified) continue;
    ledger.incidents[key] = { ...before, actionFailureNotified: true, severity: 'critical' };
    transitions.push({ kind: 'escalated', key, cluster: f.cluster, service: f.service, severity: 'critical', reason: `action failed: ${f.reason ?? 'unknown error'}`, before });
  }
  return transitions;
}

/** Undoes transitions whose alert could not be sent, so the next run sends it. */
export function revertTransitions(ledger: ActionLedger, transitions: readonly Transition[]): void {
  for (const t of [...transitions].reverse()) {
    if (t.before) ledger.incidents[t.key] = t.before;
    else delete ledger.incidents[t.key];
  }
}

/** Notices not yet alerted (the detector warming up, a ledger that had to be reset). */
export function pendingNotices(ledger: ActionLedger): Notice[] {
  const out: Notice[] = [];
  const { warming, ledgerReset } = ledger.notices;
  if (warming && !warming.notified) {
    out.push({ kind: 'detector-warming', text: `detection limited until ${warming.until}: ${warming.reason}` });
  }
  if (ledgerReset && !ledgerReset.notified) {
    out.push({
      kind: 'ledger-reset',
      text: `action ledger unreadable (${ledgerReset.problem}); kept as ${ledgerReset.keptAs} and started afresh: earlier scale-outs will not be given back automatically`,
    });
  }
  return out;
}

export function markNotices(ledger: ActionLedger, notices: readonly Notice[], notified: boolean): void {
  for (const n of notices) {
    const target = n.kind === 'detector-warming' ? ledger.notices.warming : ledger.notices.ledgerReset;
    if (target) target.notified = notified;
  }
}

/**
 * Plans this run's alert: one message when an incident opened, escalated or
 * resolved, or a notice is pending; none otherwise, and none for a retried run
 * that already published.
 */
export function planAlert(input: {
  environment: string;
  runId: string;
  runKey: string;
  transitions: readonly Transition[];
  notices: readonly Notice[];
  anomalies: readonly Anomaly[];
  actions: readonly ActionOutcome[];
  ledger: ActionLedger;
  now: Date;
  fullListKey: string;
}): AlertMessagePlan | undefined {
  if (input.ledger.alertsByRun[input.runKey]) return undefined;
  if (input.transitions.length === 0 && input.notices.length === 0) return undefined;
  return buildMessage(input);
}

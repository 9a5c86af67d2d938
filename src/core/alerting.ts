/**
 * Incidents, not messages: a service's anomalies open an incident, which is
 * alerted when it opens, when it escalates (warning → critical, or an action
 * on it failed) and when it resolves (clear for the quiet period). Nothing in
 * between, whichever scorer found the anomalies and whether or not the run is
 * a dry run. At most one message per run, assembled by `alert-message.ts`.
 */
import type { Anomaly, Severity } from './model';
import { serviceKey, type ActionLedger, type Incident, type Transition } from './ledger';
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

export type { Transition };

const rank = (s: Severity) => (s === 'critical' ? 1 : 0);

/** What this run saw, beyond its anomalies: the evidence an incident needs to resolve. */
export interface Sightings {
  /** Service keys whose samples were scored in this run. */
  services: ReadonlySet<string>;
  /** Container ids still in an unusual stretch (alarmed once, not necessarily again). */
  unusual: ReadonlySet<string>;
}

/** Containers an incident remembers: enough to follow the stretch that raised it, bounded for a fleet-wide one. */
export const INCIDENT_CONTAINER_LIMIT = 20;
/** A service unseen for longer than this share of the quiet period starts its quiet time afresh: no data is no evidence. */
const BLIND_SHARE = 1 / 4;

/**
 * Whether an open incident with no anomaly in this run is clear now, and since
 * when. A run without the service's samples says nothing. A container that
 * raised the incident and is still unusual means the stretch goes on (the
 * embedded model alarms once per stretch, so no anomaly is no all-clear).
 */
function clearance(incident: Incident, key: string, sightings: Sightings, now: Date, quietMs: number): { incident: Incident; resolved: boolean } {
  if (!sightings.services.has(key)) return { incident, resolved: false };
  const at = now.toISOString();
  const ongoing = (incident.containers ?? []).some((id) => sightings.unusual.has(id));
  const lastChecked = Date.parse(incident.checkedAt ?? incident.lastSeenAt);
  const blind = now.getTime() - lastChecked > quietMs * BLIND_SHARE;
  const clearSince = ongoing || blind ? at : (incident.clearSince ?? incident.lastSeenAt);
  const next = { ...incident, checkedAt: at, clearSince };
  return { incident: next, resolved: !ongoing && now.getTime() - Date.parse(clearSince) >= quietMs };
}

/**
 * Applies this run's anomalies to the open incidents (mutating `ledger`):
 * opens, escalates, keeps alive, and resolves those seen clear for `quietMs`
 * (see {@link clearance}).
 */
export function updateIncidents(ledger: ActionLedger, anomalies: readonly Anomaly[], now: Date, quietMs: number, sightings: Sightings): Transition[] {
  const at = now.toISOString();
  const seen = new Map<string, { cluster: string; service: string; severity: Severity; containers: string[] }>();
  for (const a of anomalies) {
    const key = serviceKey(a.cluster, a.service);
    const s = seen.get(key);
    seen.set(key, {
      cluster: a.cluster,
      service: a.service,
      severity: s && rank(s.severity) > rank(a.severity) ? s.severity : a.severity,
      containers: [...(s?.containers ?? []), a.containerId],
    });
  }
  const transitions: Transition[] = [];
  for (const [key, s] of [...seen].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const before = ledger.incidents[key];
    const base = { key, cluster: s.cluster, service: s.service, severity: s.severity };
    const plural = s.containers.length === 1 ? '1 anomalous container' : `${s.containers.length} anomalous containers`;
    const containers = [...new Set([...(before?.containers ?? []), ...s.containers])].slice(0, INCIDENT_CONTAINER_LIMIT);
    const fresh = { lastSeenAt: at, clearSince: at, checkedAt: at, containers };
    if (!before) {
      ledger.incidents[key] = { cluster: s.cluster, service: s.service, openedAt: at, severity: s.severity, actionFailureNotified: false, ...fresh };
      transitions.push({ ...base, kind: 'opened', reason: plural });
      continue;
    }
    ledger.incidents[key] = { ...before, ...fresh, severity: rank(s.severity) > rank(before.severity) ? s.severity : before.severity };
    if (rank(s.severity) > rank(before.severity)) transitions.push({ ...base, kind: 'escalated', reason: `now critical: ${plural}` });
  }
  for (const [key, incident] of Object.entries(ledger.incidents).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (seen.has(key)) continue;
    const { incident: next, resolved } = clearance(incident, key, sightings, now, quietMs);
    if (!resolved) {
      ledger.incidents[key] = next;
      continue;
    }
    delete ledger.incidents[key];
    const minutes = Math.round(quietMs / 60_000);
    transitions.push({ kind: 'resolved', key, cluster: incident.cluster, service: incident.service, severity: incident.severity, reason: `seen clear for ${minutes} minutes` });
  }
  return transitions;
}

/**
 * Open incidents whose service has been missing from the data for longer than
 * a quarter of the quiet period: held open (and their capacity kept) with no
 * evidence either way, which must show in a metric and an alarm.
 */
export function blindIncidents(ledger: ActionLedger, now: Date, quietMs: number): number {
  return Object.values(ledger.incidents).filter((i) => now.getTime() - Date.parse(i.checkedAt ?? i.lastSeenAt) > quietMs * BLIND_SHARE).length;
}

/**
 * An action that failed on a service with an open incident escalates it, once
 * per incident; a restore that failed after it is alerted once per scale-out
 * (its capacity stays raised, which nobody would otherwise hear of).
 */
export function escalateFailures(ledger: ActionLedger, failed: readonly ActionOutcome[]): Transition[] {
  const transitions: Transition[] = [];
  for (const f of failed) {
    const key = serviceKey(f.cluster, f.service);
    const before = ledger.incidents[key];
    const raised = ledger.raised[key];
    if (!before && raised && !raised.restoreFailureNotified) {
      raised.restoreFailureNotified = true;
      transitions.push({ kind: 'restore-failed', key, cluster: f.cluster, service: f.service, severity: 'warning', reason: f.reason ?? 'unknown error' });
      continue;
    }
    if (!before || before.actionFailureNotified) continue;
    ledger.incidents[key] = { ...before, actionFailureNotified: true, severity: 'critical' };
    transitions.push({ kind: 'escalated', key, cluster: f.cluster, service: f.service, severity: 'critical', reason: `action failed: ${f.reason ?? 'unknown error'}` });
  }
  return transitions;
}

/** Lambda's hard limit on a run: a message still pending after it will never be confirmed. */
export const LONGEST_RUN_MS = 15 * 60_000;

/**
 * Takes back what runs that died while publishing were sending (their message
 * is still `pending` past {@link LONGEST_RUN_MS}), so it is sent again: a page
 * may come twice, never not at all. The run's entry stays, so its retry does
 * not publish once more.
 */
export function reclaimUnconfirmed(ledger: ActionLedger, now: Date): void {
  for (const sent of Object.values(ledger.alertsByRun)) {
    if (sent.messageId !== 'pending' || !sent.unconfirmed || now.getTime() - Date.parse(sent.at) <= LONGEST_RUN_MS) continue;
    ledger.pendingAlerts.push(...sent.unconfirmed);
    sent.messageId = 'unconfirmed';
    delete sent.unconfirmed;
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
  about?: ReadonlySet<string>;
}): AlertMessagePlan | undefined {
  if (input.ledger.alertsByRun[input.runKey]) return undefined;
  if (input.transitions.length === 0 && input.notices.length === 0) return undefined;
  return buildMessage(input);
}

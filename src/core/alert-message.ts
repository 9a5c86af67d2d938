/**
 * One alert message, bounded by construction: SNS refuses a message over
 * 256 KB and a subject that is not ASCII, has a line break or is 100
 * characters or more (SNS API Reference, Publish: "Message" and "Subject"
 * constraints). The body lists the most severe items and counts the rest; the
 * full list is written to S3 and named in the body.
 */
import type { Anomaly, Severity } from './model';
import type { ActionOutcome, Transition } from './alerting';

/** SNS: "Subject ... must be less than 100 characters long". */
export const SUBJECT_LIMIT = 99;
/** SNS: 256 KB per published message, attributes included; the body alone stays far below. */
export const MESSAGE_LIMIT = 256 * 1024;
/** Items of each list in the body; with the field caps below, a body stays under ~120 KB whatever the fleet does. */
export const LIST_LIMIT = 25;
/** Longest text field in the body (ids, names, reasons); ECS names are at most 255 characters. */
export const FIELD_LIMIT = 300;

export interface Notice {
  kind: 'detector-warming' | 'ledger-reset';
  text: string;
}

export interface AlertMessagePlan {
  subject: string;
  body: string;
  severity: Severity;
  /** `firing` while anything opened, escalated or is a notice; `resolved` when only resolutions are reported. */
  status: 'firing' | 'resolved';
  /** Set when the body left items out: the complete lists, to be written at the key the body names. */
  fullList?: string;
}

/** Printable ASCII only, as SNS requires of a subject; anything else becomes `?`. */
export function asciiSubject(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length <= SUBJECT_LIMIT ? clean : `${clean.slice(0, SUBJECT_LIMIT - 3)}...`;
}

const cap = (text: string) => (text.length <= FIELD_LIMIT ? text : `${text.slice(0, FIELD_LIMIT - 3)}...`);
const rank = (s: Severity) => (s === 'critical' ? 1 : 0);

function names(transitions: readonly Transition[], kind: Transition['kind']): string | undefined {
  const services = [...new Set(transitions.filter((t) => t.kind === kind).map((t) => t.service))];
  if (services.length === 0) return undefined;
  const shown = services.slice(0, 3).join(', ');
  return `${kind} ${shown}${services.length > 3 ? ` +${services.length - 3}` : ''}`;
}

/** Most severe first, then by how far above its threshold; stable by container id. */
function bySeverity(a: Anomaly, b: Anomaly): number {
  return rank(b.severity) - rank(a.severity) || b.score / (b.threshold || 1) - a.score / (a.threshold || 1) || (a.containerId < b.containerId ? -1 : 1);
}

const anomalyItem = (a: Anomaly) => ({
  cluster: cap(a.cluster),
  service: cap(a.service),
  containerId: cap(a.containerId),
  kind: a.kind,
  severity: a.severity,
  score: Number(a.score.toFixed(4)),
  threshold: Number(a.threshold.toFixed(4)),
  topMetrics: a.topMetrics,
  scorer: a.scorer,
  timestamp: cap(a.timestamp),
});
const actionItem = (a: ActionOutcome) => ({ ...a, cluster: cap(a.cluster), service: cap(a.service), ...(a.reason ? { reason: cap(a.reason) } : {}) });
const transitionItem = (t: Transition) => ({ kind: t.kind, cluster: cap(t.cluster), service: cap(t.service), severity: t.severity, reason: cap(t.reason) });

export function buildMessage(input: {
  environment: string;
  runId: string;
  transitions: readonly Transition[];
  notices: readonly Notice[];
  anomalies: readonly Anomaly[];
  actions: readonly ActionOutcome[];
  now: Date;
  fullListKey: string;
  /**
   * Service keys whose anomalies the message lists; defaults to those of the
   * firing transitions. A transition read back from the ledger may name its
   * service as the store's redaction left it, which no anomaly's key matches.
   */
  about?: ReadonlySet<string>;
}): AlertMessagePlan {
  const { transitions, notices } = input;
  const firing = transitions.filter((t) => t.kind !== 'resolved');
  const status = firing.length > 0 || notices.length > 0 ? 'firing' : 'resolved';
  const relevant = status === 'firing' ? firing : transitions;
  const severity: Severity = relevant.some((t) => t.severity === 'critical') ? 'critical' : 'warning';

  // The anomalies of the services this message is about, most severe first.
  const about = new Set([...firing.map((t) => t.key), ...(input.about ?? [])]);
  const anomalies = input.anomalies.filter((a) => about.has(`${a.cluster}/${a.service}`)).sort(bySeverity);
  const actions = [...input.actions].filter((a) => a.outcome !== 'skipped').sort((a, b) => Number(b.outcome === 'failed') - Number(a.outcome === 'failed'));
  const orderedTransitions = [...transitions].sort((a, b) => rank(b.severity) - rank(a.severity));
  const truncated = anomalies.length > LIST_LIMIT || actions.length > LIST_LIMIT || transitions.length > LIST_LIMIT;

  const label = status === 'resolved' ? 'RESOLVED' : severity.toUpperCase();
  const parts = [names(transitions, 'opened'), names(transitions, 'escalated'), names(transitions, 'resolved'), names(transitions, 'restore-failed')].filter((p): p is string => Boolean(p));
  for (const n of notices) parts.push(n.kind === 'detector-warming' ? 'detection limited (warming up)' : 'action ledger reset');
  const subject = asciiSubject(`[${input.environment}] ${label}: ${parts.join('; ')}`);

  const body = {
    environment: cap(input.environment),
    runId: cap(input.runId),
    at: input.now.toISOString(),
    status,
    severity,
    incidents: orderedTransitions.slice(0, LIST_LIMIT).map(transitionItem),
    incidentsOmitted: Math.max(0, transitions.length - LIST_LIMIT),
    notices: notices.map((n) => ({ kind: n.kind, text: cap(n.text) })),
    anomalies: anomalies.slice(0, LIST_LIMIT).map(anomalyItem),
    anomaliesTotal: anomalies.length,
    anomaliesOmitted: Math.max(0, anomalies.length - LIST_LIMIT),
    actions: actions.slice(0, LIST_LIMIT).map(actionItem),
    actionsOmitted: Math.max(0, actions.length - LIST_LIMIT),
    ...(truncated ? { fullList: input.fullListKey } : {}),
  };
  const plan: AlertMessagePlan = { subject, body: JSON.stringify(body), severity, status };
  if (truncated) plan.fullList = JSON.stringify({ runId: input.runId, incidents: orderedTransitions.map(transitionItem), anomalies: anomalies.map(anomalyItem), actions: actions.map(actionItem) });
  return plan;
}

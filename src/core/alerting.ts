/**
 * Alert decisions: at most one message per run, only when something new
 * happened, with a subject a person can read on a phone.
 */
import type { Anomaly, Severity } from './model';
import { alertKey, type ActionLedger } from './ledger';

/** What the run did about a service, as reported in alerts and the run summary. */
export interface ActionOutcome {
  service: string;
  outcome: 'scaled' | 'min-capacity-raised' | 'would-scale' | 'skipped' | 'failed';
  from?: number;
  to?: number;
  reason?: string;
}

export interface AlertPlan {
  /** Undefined when nothing new happened. */
  message?: { subject: string; body: string; severity: Severity };
  /** Ledger keys of the anomalies this message reports, to suppress them next time. */
  alertedKeys: string[];
}

export const SUBJECT_LIMIT = 100;

export function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

export function buildSubject(environment: string, anomalies: readonly Anomaly[], actions: readonly ActionOutcome[]): string {
  const severity = anomalies.some((a) => a.severity === 'critical') ? 'CRITICAL' : 'WARNING';
  const services = [...new Set(anomalies.map((a) => a.service))].sort();
  const scaled = actions.filter((a) => a.outcome === 'scaled' || a.outcome === 'min-capacity-raised').length;
  const count = anomalies.length === 1 ? '1 anomaly' : `${anomalies.length} anomalies`;
  const what = anomalies.length ? `${count} in ${services.join(', ')}` : 'scaling update';
  return truncate(`[${environment}] ${severity}: ${what}${scaled ? `; scaled ${scaled} service${scaled > 1 ? 's' : ''}` : ''}`, SUBJECT_LIMIT);
}

/**
 * Plans this run's alert. Anomalies of the same container and kind alerted
 * within the suppression window are not repeated; a run that already published
 * (a retry) publishes nothing.
 */
export function planAlert(input: {
  environment: string;
  runId: string;
  runKey: string;
  anomalies: readonly Anomaly[];
  actions: readonly ActionOutcome[];
  ledger: ActionLedger;
  suppressionMinutes: number;
  now: Date;
}): AlertPlan {
  const { ledger, now } = input;
  if (ledger.alertsByRun[input.runKey]) return { alertedKeys: [] };
  const windowMs = input.suppressionMinutes * 60_000;
  const fresh = input.anomalies.filter((a) => {
    const last = ledger.alerted[alertKey(a.containerId, a.kind)];
    return !last || now.getTime() - Date.parse(last) >= windowMs;
  });
  const acted = input.actions.filter((a) => a.outcome !== 'skipped');
  if (fresh.length === 0 && acted.length === 0) return { alertedKeys: [] };
  const severity: Severity = fresh.some((a) => a.severity === 'critical') || acted.some((a) => a.outcome === 'failed') ? 'critical' : 'warning';
  const body = {
    environment: input.environment,
    runId: input.runId,
    at: now.toISOString(),
    severity,
    anomalies: fresh.map((a) => ({
      service: a.service,
      containerId: a.containerId,
      kind: a.kind,
      severity: a.severity,
      score: Number(a.score.toFixed(4)),
      threshold: Number(a.threshold.toFixed(4)),
      topMetrics: a.topMetrics,
      scorer: a.scorer,
      timestamp: a.timestamp,
    })),
    actions: acted,
  };
  return {
    message: { subject: buildSubject(input.environment, fresh, acted), body: JSON.stringify(body), severity },
    alertedKeys: fresh.map((a) => alertKey(a.containerId, a.kind)),
  };
}

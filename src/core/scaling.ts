/**
 * Scaling decisions: which allow-listed services get more tasks, by how many,
 * within their bounds, respecting the cooldown and never twice for one run.
 */
import type { Anomaly, Severity } from './model';
import { scaleKey, type ActionLedger, type ScaleMode } from './ledger';

export interface ScalableServiceConfig {
  name: string;
  minTasks: number;
  maxTasks: number;
}

export interface ScalingConfig {
  cluster: string;
  services: readonly ScalableServiceConfig[];
  step: number;
  criticalStep: number;
  cooldownMinutes: number;
}

export interface ObservedService {
  desiredCount: number;
  autoScaling?: { minCapacity: number; maxCapacity: number };
}

export type SkipReason = 'not-allow-listed' | 'drop-not-scalable' | 'cooldown' | 'at-max' | 'already-done' | 'describe-failed';

export interface ScaleOut {
  service: string;
  cluster: string;
  severity: Severity;
  mode: ScaleMode;
  from: number;
  to: number;
  /** Upper bound for the auto scaling target when raising its minimum. */
  maxCapacity: number;
}

export interface ScaleSkip {
  service: string;
  reason: SkipReason;
}

export interface ScalingPlan {
  scaleOuts: ScaleOut[];
  skipped: ScaleSkip[];
}

const worst = (a: Severity, b: Severity): Severity => (a === 'critical' || b === 'critical' ? 'critical' : 'warning');

/** The services a set of anomalies concerns, with the worst severity of the scalable (saturation) ones. */
export function servicesToScale(anomalies: readonly Anomaly[]): Map<string, Severity> {
  const out = new Map<string, Severity>();
  for (const a of anomalies) {
    if (a.kind !== 'saturation') continue;
    out.set(a.service, worst(out.get(a.service) ?? 'warning', a.severity));
  }
  return out;
}

/**
 * Plans scale-outs. `observed` holds the services' current state (a service
 * missing from it could not be described). Pure: the same inputs give the same plan.
 */
export function planScaling(input: {
  anomalies: readonly Anomaly[];
  observed: ReadonlyMap<string, ObservedService>;
  config: ScalingConfig;
  ledger: ActionLedger;
  runKey: string;
  now: Date;
}): ScalingPlan {
  const { anomalies, observed, config, ledger, runKey, now } = input;
  const plan: ScalingPlan = { scaleOuts: [], skipped: [] };
  const allowed = new Map(config.services.map((s) => [s.name, s]));
  const scalable = servicesToScale(anomalies);
  const dropOnly = new Set(anomalies.filter((a) => a.kind === 'drop' && !scalable.has(a.service)).map((a) => a.service));
  for (const service of [...dropOnly].sort()) plan.skipped.push({ service, reason: 'drop-not-scalable' });

  for (const [service, severity] of [...scalable].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const bounds = allowed.get(service);
    if (!bounds) {
      plan.skipped.push({ service, reason: 'not-allow-listed' });
      continue;
    }
    if (ledger.scaleActions[scaleKey(runKey, service)]) {
      plan.skipped.push({ service, reason: 'already-done' });
      continue;
    }
    const last = ledger.lastScaledAt[service];
    if (last && now.getTime() - Date.parse(last) < config.cooldownMinutes * 60_000) {
      plan.skipped.push({ service, reason: 'cooldown' });
      continue;
    }
    const state = observed.get(service);
    if (!state) {
      plan.skipped.push({ service, reason: 'describe-failed' });
      continue;
    }
    const step = severity === 'critical' ? config.criticalStep : config.step;
    const ceiling = state.autoScaling ? Math.min(bounds.maxTasks, state.autoScaling.maxCapacity) : bounds.maxTasks;
    const current = state.autoScaling ? Math.max(state.autoScaling.minCapacity, state.desiredCount) : state.desiredCount;
    const to = Math.min(ceiling, Math.max(bounds.minTasks, current + step));
    if (to <= current) {
      plan.skipped.push({ service, reason: 'at-max' });
      continue;
    }
    plan.scaleOuts.push({
      service,
      cluster: config.cluster,
      severity,
      mode: state.autoScaling ? 'min-capacity' : 'desired-count',
      from: state.autoScaling ? state.autoScaling.minCapacity : state.desiredCount,
      to,
      maxCapacity: ceiling,
    });
  }
  return plan;
}

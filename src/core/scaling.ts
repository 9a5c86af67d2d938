/**
 * Scaling decisions: which configured services get more tasks, by how many,
 * within their bounds, respecting the cooldown and never twice for one run;
 * and which earlier scale-outs to give back now that their incident is over.
 * A service is (cluster, name): an anomaly acts only on the service it came from.
 */
import type { Anomaly, Severity } from './model';
import { scaleKey, serviceKey, type ActionLedger, type ScaleMode } from './ledger';

export interface ScalableServiceConfig {
  cluster: string;
  name: string;
  minTasks: number;
  maxTasks: number;
}

export interface ScalingConfig {
  services: readonly ScalableServiceConfig[];
  step: number;
  criticalStep: number;
  cooldownMinutes: number;
}

export interface ObservedService {
  desiredCount: number;
  autoScaling?: { minCapacity: number; maxCapacity: number };
}

export type SkipReason =
  | 'not-configured'
  | 'drop-not-scalable'
  | 'cooldown'
  | 'at-max'
  | 'already-done'
  | 'describe-failed'
  | 'scaling-mode-changed'
  | 'changed-by-person';

/** A raise of the desired count, or of the auto-scaling target's minimum (its maximum is never touched). */
export interface ScaleOut {
  key: string;
  cluster: string;
  service: string;
  severity: Severity;
  mode: ScaleMode;
  /** The value seen when planning; re-read right before writing, and the write is skipped if it moved. */
  from: number;
  to: number;
}

/** Gives back an earlier scale-out: writes `to` (the value before it) if the service still shows `expected`. */
export interface Restore {
  key: string;
  cluster: string;
  service: string;
  mode: ScaleMode;
  /** What this detector last wrote; anything else means a person changed it, and the person wins. */
  expected: number;
  to: number;
  /** The raise was a dry run's: report the would-restore, change nothing. */
  dryRun: boolean;
}

export interface ScaleSkip {
  cluster: string;
  service: string;
  reason: SkipReason;
}

export interface ScalingPlan {
  scaleOuts: ScaleOut[];
  restores: Restore[];
  skipped: ScaleSkip[];
}

const worst = (a: Severity, b: Severity): Severity => (a === 'critical' || b === 'critical' ? 'critical' : 'warning');

/** The value a scale-out changes: the auto-scaling minimum when a target exists, else the desired count. */
export function currentValue(mode: ScaleMode, state: ObservedService): number | undefined {
  return mode === 'min-capacity' ? state.autoScaling?.minCapacity : state.desiredCount;
}

/** Services (by key) with saturation anomalies, i.e. those more tasks could help, with their worst severity. */
export function servicesToScale(anomalies: readonly Anomaly[]): Map<string, { cluster: string; service: string; severity: Severity }> {
  const out = new Map<string, { cluster: string; service: string; severity: Severity }>();
  for (const a of anomalies) {
    if (a.kind !== 'saturation') continue;
    const key = serviceKey(a.cluster, a.service);
    out.set(key, { cluster: a.cluster, service: a.service, severity: worst(out.get(key)?.severity ?? 'warning', a.severity) });
  }
  return out;
}

/** Configured services with saturation anomalies: the only ones worth describing. */
export function scaleCandidates(anomalies: readonly Anomaly[], config: ScalingConfig): string[] {
  const configured = new Set(config.services.map((s) => serviceKey(s.cluster, s.name)));
  return [...servicesToScale(anomalies).keys()].filter((k) => configured.has(k)).sort();
}

/**
 * Earlier scale-outs due to be given back: their incident is over, their
 * cooldown has passed, and the service was `seen` (scored) in this run. A
 * service whose data went missing shows no anomalies either, and that is no
 * reason to take its capacity away.
 */
export function restoreCandidates(ledger: ActionLedger, config: ScalingConfig, now: Date, seen: ReadonlySet<string>): string[] {
  const cooldownMs = config.cooldownMinutes * 60_000;
  return Object.keys(ledger.raised)
    .filter((key) => !ledger.incidents[key] && seen.has(key))
    .filter((key) => {
      const last = ledger.lastScaledAt[key];
      return !last || now.getTime() - Date.parse(last) >= cooldownMs;
    })
    .sort();
}

function planScaleOut(
  key: string,
  target: { cluster: string; service: string; severity: Severity },
  bounds: ScalableServiceConfig,
  state: ObservedService,
  config: ScalingConfig,
  ledger: ActionLedger,
): ScaleOut | SkipReason {
  const mode: ScaleMode = state.autoScaling ? 'min-capacity' : 'desired-count';
  const earlier = ledger.raised[key];
  if (earlier && earlier.mode !== mode) return 'scaling-mode-changed';
  // The service no longer shows what we wrote: a person (or the owner's IaC) took it over for this incident,
  // whichever way they moved it. Hands off; the restore will find it changed and leave it as they set it.
  if (earlier && !earlier.dryRun && currentValue(mode, state) !== earlier.to) return 'changed-by-person';
  const step = target.severity === 'critical' ? config.criticalStep : config.step;
  // With a target, the auto scaler owns the desired count: raise its floor above what runs now, within its own maximum.
  const ceiling = state.autoScaling ? Math.min(bounds.maxTasks, state.autoScaling.maxCapacity) : bounds.maxTasks;
  const running = state.autoScaling ? Math.max(state.autoScaling.minCapacity, state.desiredCount) : state.desiredCount;
  const to = Math.min(ceiling, Math.max(bounds.minTasks, running + step));
  if (to <= running) return 'at-max';
  return { key, cluster: target.cluster, service: target.service, severity: target.severity, mode, from: currentValue(mode, state) ?? 0, to };
}

/**
 * Plans scale-outs and restores. `observed` holds the services' current state
 * by service key (a key missing from it could not be described). Pure: the same
 * inputs give the same plan. Call it after this run's anomalies updated the
 * incidents, so a service with an open incident is never given back capacity.
 */
export function planScaling(input: {
  anomalies: readonly Anomaly[];
  observed: ReadonlyMap<string, ObservedService>;
  /** Service keys scored in this run. */
  seen: ReadonlySet<string>;
  config: ScalingConfig;
  ledger: ActionLedger;
  runKey: string;
  now: Date;
}): ScalingPlan {
  const { anomalies, observed, seen, config, ledger, runKey, now } = input;
  const plan: ScalingPlan = { scaleOuts: [], restores: [], skipped: [] };
  const configured = new Map(config.services.map((s) => [serviceKey(s.cluster, s.name), s]));
  const scalable = servicesToScale(anomalies);
  const dropOnly = new Map<string, { cluster: string; service: string }>();
  for (const a of anomalies) {
    const key = serviceKey(a.cluster, a.service);
    if (a.kind === 'drop' && !scalable.has(key)) dropOnly.set(key, { cluster: a.cluster, service: a.service });
  }
  for (const [, s] of [...dropOnly].sort(([a], [b]) => (a < b ? -1 : 1))) plan.skipped.push({ ...s, reason: 'drop-not-scalable' });

  const cooldownMs = config.cooldownMinutes * 60_000;
  for (const [key, target] of [...scalable].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const skip = (reason: SkipReason) => plan.skipped.push({ cluster: target.cluster, service: target.service, reason });
    const bounds = configured.get(key);
    if (!bounds) {
      skip('not-configured');
      continue;
    }
    if (ledger.scaleActions[scaleKey(runKey, key)]) {
      skip('already-done');
      continue;
    }
    const last = ledger.lastScaledAt[key];
    if (last && now.getTime() - Date.parse(last) < cooldownMs) {
      skip('cooldown');
      continue;
    }
    const state = observed.get(key);
    if (!state) {
      skip('describe-failed');
      continue;
    }
    const planned = planScaleOut(key, target, bounds, state, config, ledger);
    if (typeof planned === 'string') skip(planned);
    else plan.scaleOuts.push(planned);
  }

  for (const key of restoreCandidates(ledger, config, now, seen)) {
    const raised = ledger.raised[key];
    if (ledger.scaleActions[scaleKey(runKey, key)]) continue;
    const base = { key, cluster: raised.cluster, service: raised.service, mode: raised.mode, expected: raised.to, to: raised.from };
    if (raised.dryRun) {
      plan.restores.push({ ...base, dryRun: true });
      continue;
    }
    if (!observed.has(key)) {
      plan.skipped.push({ cluster: raised.cluster, service: raised.service, reason: 'describe-failed' });
      continue;
    }
    plan.restores.push({ ...base, dryRun: false });
  }
  return plan;
}

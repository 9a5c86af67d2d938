/**
 * The decision policy: which scored containers are anomalies, of what kind and
 * how severe. Pure functions of the scores; no I/O.
 */
import { METRIC_NAMES, type Anomaly, type AnomalyKind, type Attribution, type ContainerSample, type ContainerScore, type MetricName, type Severity } from './model';

export interface SeverityPolicy {
  /** A score at or above this multiple of the threshold is critical. */
  criticalScoreRatio: number;
  /** When at least this share of a service's scored containers is anomalous, all its anomalies are critical. */
  criticalServiceShare: number;
  /** A metric is named as a cause when it carries at least this share of the attribution. */
  topMetricShare: number;
}

export const DEFAULT_SEVERITY_POLICY: SeverityPolicy = {
  criticalScoreRatio: 1.5,
  criticalServiceShare: 0.5,
  topMetricShare: 0.2,
};

// Work arriving (traffic) and work done (CPU) falling is what an outage or a drop looks like.
const DROP_SIGNALS: MetricName[] = ['net_mbps', 'cpu_pct'];

/**
 * Saturation when the deviation is mostly upward (more load, more memory, more
 * I/O: more tasks help); drop when traffic or CPU fell below expectation
 * (an outage or a broken upstream: more tasks do not help).
 */
export function classifyKind(attribution: Attribution): AnomalyKind {
  const fall = DROP_SIGNALS.reduce((sum, m) => sum + attribution[m].low, 0);
  const rise = METRIC_NAMES.reduce((sum, m) => sum + attribution[m].high, 0);
  return fall > rise ? 'drop' : 'saturation';
}

/** Metrics carrying the most attribution, strongest first (at least one, at most three). */
export function topMetrics(attribution: Attribution, minShare: number): MetricName[] {
  const weights = METRIC_NAMES.map((m) => ({ m, w: attribution[m].high + attribution[m].low }));
  const total = weights.reduce((s, x) => s + x.w, 0);
  const ranked = weights.sort((a, b) => b.w - a.w || METRIC_NAMES.indexOf(a.m) - METRIC_NAMES.indexOf(b.m));
  if (total <= 0) return [ranked[0].m];
  const strong = ranked.filter((x) => x.w / total >= minShare).slice(0, 3);
  return (strong.length ? strong : ranked.slice(0, 1)).map((x) => x.m);
}

/**
 * A shift most of a service (or the fleet) shares: one event per service (or
 * one for the fleet) however many of its containers were flagged, of kind
 * 'shift', which nothing scales on — a fleet-wide drop on a Saturday night is
 * news, not a reason to add tasks.
 */
function sharedShift(score: ContainerScore, sample: ContainerSample, policy: SeverityPolicy): Anomaly {
  const fleet = score.scope === 'fleet';
  return {
    containerId: fleet ? 'fleet' : `service:${sample.service}`,
    service: fleet ? 'fleet' : sample.service,
    cluster: sample.cluster,
    timestamp: sample.timestamp,
    score: score.score,
    threshold: score.threshold,
    severity: 'warning',
    kind: 'shift',
    topMetrics: topMetrics(score.attribution, policy.topMetricShare),
    scorer: score.scorer,
    scope: fleet ? 'fleet' : 'service',
  };
}

/**
 * Turns scores into classified anomalies. Containers still warming up are
 * never anomalies: a model that has not seen enough must not page anyone.
 * Flags on a shift shared by a service or the fleet become one 'shift' event
 * each (see {@link sharedShift}), never one alarm per container.
 */
export function decideAnomalies(
  samples: readonly ContainerSample[],
  scores: readonly ContainerScore[],
  policy: SeverityPolicy = DEFAULT_SEVERITY_POLICY,
): Anomaly[] {
  const sampleById = new Map(samples.map((s) => [s.containerId, s]));
  const scoredPerService = new Map<string, number>();
  const anomalousPerService = new Map<string, number>();
  const flagged: Array<{ score: ContainerScore; sample: ContainerSample }> = [];
  const shifts = new Map<string, Anomaly>();
  for (const score of scores) {
    const sample = sampleById.get(score.containerId);
    if (!sample) continue;
    scoredPerService.set(sample.service, (scoredPerService.get(sample.service) ?? 0) + 1);
    if (score.isAnomaly && !score.warmingUp && (score.scope === 'service' || score.scope === 'fleet')) {
      const event = sharedShift(score, sample, policy);
      if (!shifts.has(event.containerId)) shifts.set(event.containerId, event);
    } else if (score.isAnomaly && !score.warmingUp) {
      anomalousPerService.set(sample.service, (anomalousPerService.get(sample.service) ?? 0) + 1);
      flagged.push({ score, sample });
    }
  }
  const own = flagged.map(({ score, sample }): Anomaly => {
    const share = (anomalousPerService.get(sample.service) ?? 0) / (scoredPerService.get(sample.service) ?? 1);
    const widespread = (anomalousPerService.get(sample.service) ?? 0) >= 2 && share >= policy.criticalServiceShare;
    const severity: Severity = score.score >= policy.criticalScoreRatio * score.threshold || widespread ? 'critical' : 'warning';
    return {
      containerId: sample.containerId,
      service: sample.service,
      cluster: sample.cluster,
      timestamp: sample.timestamp,
      score: score.score,
      threshold: score.threshold,
      severity,
      kind: score.frozen ? 'frozen' : classifyKind(score.attribution),
      topMetrics: topMetrics(score.attribution, policy.topMetricShare),
      scorer: score.scorer,
    };
  });
  return [...own, ...shifts.values()];
}

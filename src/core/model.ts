/**
 * The metric model shared by every part of the detector: collectors produce it,
 * the archive stores it, scorers read it, the decision policy reasons about it.
 * Pure types and constants only.
 */

/** The features every container is scored on, in the order models are trained with. */
export const METRIC_NAMES = ['cpu_pct', 'mem_pct', 'net_mbps', 'disk_iops'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
export type MetricVector = Record<MetricName, number>;

/** Where a merged sample's values came from. */
export type SourceName = 'splunk' | 'dynatrace';

/**
 * One source's view of one container at one time. Any metric may be absent
 * (a gap in that source); the merge step combines sources into a full sample.
 */
export interface PartialSample {
  containerId: string;
  service: string;
  cluster: string;
  /** ISO-8601, UTC. */
  timestamp: string;
  metrics: Partial<MetricVector>;
  /**
   * When each metric's value was measured (ISO-8601), where it differs from
   * `timestamp`: sources report metrics of different ages, and the merge keeps
   * the freshest point of each metric, not of each sample.
   */
  observedAt?: Partial<Record<MetricName, string>>;
  source: SourceName;
}

/** One container's complete metric vector for a run: what gets scored. */
export interface ContainerSample {
  containerId: string;
  service: string;
  cluster: string;
  /** ISO-8601, UTC. */
  timestamp: string;
  metrics: MetricVector;
  /** The sources that contributed at least one value. */
  sources: SourceName[];
}

/**
 * Why a row or value was dropped instead of scored; counted, never fatal.
 * `blank`: an empty value; `duplicate`: an older row for a container already
 * seen; `missing_time`: no usable time; `stale`: older than the staleness
 * bound; `malformed_series`: a series whose timestamps and values disagree.
 */
export type DropReason =
  | 'missing_id' | 'not_a_number' | 'negative' | 'impossible' | 'incomplete'
  | 'blank' | 'duplicate' | 'missing_time' | 'stale' | 'malformed_series';
export type DropCounts = Partial<Record<DropReason, number>>;

/** Per-metric contribution to an anomaly score, split by direction of the deviation. */
export interface MetricAttribution {
  /** Contribution from the value being higher than expected. */
  high: number;
  /** Contribution from the value being lower than expected. */
  low: number;
}
export type Attribution = Record<MetricName, MetricAttribution>;

export type ScorerName = 'sagemaker' | 'embedded';

/** A scorer's verdict on one container sample. */
export interface ContainerScore {
  containerId: string;
  score: number;
  threshold: number;
  isAnomaly: boolean;
  /** True while the model has not yet seen enough of this container to judge it. */
  warmingUp: boolean;
  /**
   * The container is still in an unusual stretch, alarmed or not: the embedded
   * model alarms once per stretch, so an incident must not resolve while this holds.
   */
  unusual: boolean;
  attribution: Attribution;
  /**
   * This container's leading metric has repeated one value improbably long (a stuck
   * exporter, a hung process reporting its last reading): its readings are not
   * live, so nothing is scaled on them. Absent: false.
   */
  frozen?: boolean;
  scorer: ScorerName;
  /** Who the evidence points at (absent: this container): a shift its service or the whole fleet shares is theirs. */
  scope?: AnomalyScope;
}

/** This container alone, or a shift most of its service (or the fleet) shares at the same moment. */
export type AnomalyScope = 'container' | 'service' | 'fleet';

/**
 * Saturation: more tasks help. Drop: traffic or work vanished, scaling out
 * does not help. Shift: a change most of a service (or the fleet) shares at
 * once — one event, reported, never a scale-out. Frozen: the leading metric
 * stopped changing (ContainerScore.frozen) — a collection or process fault, reported,
 * never a scale-out: readings that are not live say nothing about load.
 */
export type AnomalyKind = 'saturation' | 'drop' | 'shift' | 'frozen';
export type Severity = 'warning' | 'critical';

/** An anomaly after the decision policy has classified it. */
export interface Anomaly {
  containerId: string;
  service: string;
  cluster: string;
  timestamp: string;
  score: number;
  threshold: number;
  severity: Severity;
  kind: AnomalyKind;
  /** Metrics that contributed most, strongest first. */
  topMetrics: MetricName[];
  scorer: ScorerName;
  /**
   * Absent or 'container': this container. 'service' / 'fleet': one event for
   * a shift shared by most of the service (containerId `service:<name>`) or
   * the fleet (containerId and service `fleet`); its kind is 'shift'.
   */
  scope?: AnomalyScope;
}

/** Upper bounds beyond which a metric value is a collection error, not a reading. */
export const METRIC_LIMITS: MetricVector = {
  // Percent of the task's reservation; bursting above 100 is possible, far above is not.
  cpu_pct: 1000,
  mem_pct: 1000,
  // 400 Gbit/s is above any ECS host's NIC.
  net_mbps: 400_000,
  disk_iops: 10_000_000,
};

/**
 * Ports the detection cycle depends on, beyond the metric sources and secrets
 * in `src/core/ports.ts`. AWS adapters (`src/adapters/aws/`) implement them for
 * the Lambda; local adapters (`src/local/`) implement them for `npm start`.
 */
import type { AnomalyScope, ContainerSample, MetricName } from '../core/model';
import type { Deadline } from '../core/ports';

/** Raised by {@link ObjectStore.put} when a conditional write loses a race. */
export class PreconditionFailedError extends Error {
  constructor(readonly key: string) {
    super(`conditional write to ${key} failed: the object changed since it was read`);
    this.name = 'PreconditionFailedError';
  }
}

export interface StoredObject {
  body: Uint8Array;
  /** Opaque version tag for conditional writes. */
  etag: string;
}

/** Write only if the object is unchanged (`ifMatch`) or does not exist yet (`ifNoneMatch: '*'`). */
export type WriteCondition = { ifMatch: string } | { ifNoneMatch: '*' } | undefined;

/** Key-value object storage with conditional writes: S3 in the cloud, files locally. */
export interface ObjectStore {
  /** Undefined when the key does not exist. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Throws {@link PreconditionFailedError} when the condition does not hold. */
  put(key: string, body: Uint8Array, options?: { condition?: WriteCondition; contentType?: string; contentEncoding?: string }): Promise<{ etag: string }>;
}

/** One container's verdict from the embedded detector. */
export interface EmbeddedDetection {
  score: number;
  threshold: number;
  isAnomaly: boolean;
  warmingUp: boolean;
  /** Part of an unusual stretch, alarmed or not (one alarm per stretch). */
  unusual: boolean;
  /** Per metric, in METRIC_NAMES order. */
  attribution: { high: number[]; low: number[] };
  /** The leading metric has repeated one value improbably long: its readings are not live (absent: false). */
  frozen?: boolean;
  /** Absent or 'container': this container; 'service' / 'fleet': a shift most of its peers share (one event, no scale-out). */
  scope?: AnomalyScope;
}

/** One container's sample, as a cycle hands it to the embedded detector. */
export interface EmbeddedInput {
  key: string;
  group: string;
  timestampMs: number;
  values: number[];
}

/** The embedded streaming detector (a fleet of per-container models), as the pipeline uses it. */
export interface EmbeddedDetector {
  update(key: string, group: string, timestampMs: number, values: number[]): EmbeddedDetection;
  /** One cycle's samples at once, so each container is judged against its peers too. */
  updateBatch(inputs: readonly EmbeddedInput[]): EmbeddedDetection[];
  serialize(): Uint8Array;
  size(): number;
  prune(nowMs: number, maxIdleMs: number): number;
}

/** Creates a fresh detector or restores a persisted one. */
export interface EmbeddedDetectorFactory {
  create(): EmbeddedDetector;
  deserialize(bytes: Uint8Array): EmbeddedDetector;
}

/** A remote model (SageMaker RCF): one raw score per sample and the threshold it was calibrated with. */
export interface RemoteScorer {
  readonly name: 'sagemaker';
  score(samples: ContainerSample[], deadline: Deadline): Promise<{ scores: number[]; threshold: number }>;
}

export interface ServiceState {
  desiredCount: number;
  runningCount: number;
  /** Present when Application Auto Scaling manages the service: raise its minimum instead of fighting it. */
  autoScaling?: { minCapacity: number; maxCapacity: number };
}

/** Reads and scales ECS services. Dry-run and every safety check are decided by the pipeline, not here. */
export interface ServiceScaler {
  describe(cluster: string, service: string): Promise<ServiceState>;
  setDesiredCount(cluster: string, service: string, desiredCount: number): Promise<void>;
  /** Sets only the auto-scaling target's minimum: its maximum is the service owner's and is never sent. */
  setMinCapacity(cluster: string, service: string, minCapacity: number): Promise<void>;
}

export interface AlertMessage {
  subject: string;
  /** JSON document listing incidents, anomalies and actions. */
  body: string;
  /** `status` is what on-call tools key on: `firing` until the incident resolves. */
  attributes: { environment: string; severity: 'warning' | 'critical'; status: 'firing' | 'resolved' };
}

export interface Alerter {
  /** Returns the message id. */
  publish(message: AlertMessage): Promise<string>;
}

/** Structured logger (Powertools Logger satisfies it). */
export interface Log {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export type MetricUnit = 'Count' | 'Milliseconds' | 'Bytes';

/** Metrics about the detector itself (Powertools Metrics/EMF in the Lambda). */
export interface RunMetrics {
  add(name: string, unit: MetricUnit, value: number): void;
}

export interface Clock {
  now(): Date;
}

/** Features in the order every scorer and model sees them. */
export type FeatureOrder = readonly MetricName[];

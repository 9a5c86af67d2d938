/**
 * Ports: the interfaces the pure core and the pipeline depend on. Adapters at
 * the edges (Vault, Splunk, Dynatrace, AWS, local files) implement them and are
 * injected, so every branch of the pipeline is testable without a network.
 */
import type { DropCounts, MetricName, PartialSample, SourceName } from './model';

/** The time a run has left; every outbound call derives its timeout from it. */
export interface Deadline {
  /** Milliseconds until the run must have finished its work. */
  remainingMs(): number;
}

/** A secret read from Vault KV v2, with the version it came from. */
export interface VersionedSecret {
  path: string;
  version: number;
  data: Readonly<Record<string, string>>;
}

/** Reads secrets, caching them across warm invocations. */
export interface SecretProvider {
  get(path: string): Promise<VersionedSecret>;
  /** Drops the cached copy so the next `get` reads Vault again (used after a 401/403). */
  invalidate(path: string): void;
}

/** The time range a collection covers. */
export interface CollectWindow {
  earliest: Date;
  latest: Date;
}

/** A metric a source is configured for but could not give this run, and why (in plain words). */
export interface MetricGap {
  metric: MetricName;
  reason: string;
}

/** What a source saw, for the run summary and `check-sources`. */
export interface SourceStats {
  /** Result rows (Splunk) or series (Dynatrace) received. */
  rows: number;
  /** Distinct containers with at least one usable value. */
  containers: number;
  metricsFound: MetricName[];
  /** The source's clock (its `Date` header) minus ours, when it sent one. */
  clockSkewMs?: number;
  /** Problems worth a person's attention, most important first. */
  problems: string[];
}

/** What one metric source returned for one run. */
export interface SourceBatch {
  source: SourceName;
  /** The source's rows exactly as received, archived before anything else happens. */
  rawRows: unknown[];
  samples: PartialSample[];
  dropped: DropCounts;
  /** The Vault version of the credential that succeeded. */
  secretVersion: number;
  /** True when the first credential was rejected and a re-read one succeeded. */
  recoveredFromRotation: boolean;
  /** Configured metrics this source could not give: each degrades alone, the source still counts. */
  missingMetrics?: MetricGap[];
  stats?: SourceStats;
}

/** A place container metrics come from (Splunk, Dynatrace, a local simulator). */
export interface MetricSource {
  readonly name: SourceName;
  /** `signal` aborts every request still in flight (the collection's time budget ran out). */
  collect(window: CollectWindow, deadline: Deadline, signal?: AbortSignal): Promise<SourceBatch>;
}

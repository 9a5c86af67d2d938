/**
 * Where each metric comes from unless an environment says otherwise: the
 * Splunk result fields the default search produces, the Dynatrace selectors,
 * and the Dynatrace dimensions that identify a container. Shared by the
 * environment schema (synth time) and the runtime config (the Lambda), so both
 * agree on what "default" means. No zod here: the Lambda bundle stays small.
 */
import { METRIC_NAMES, type MetricName } from '../core/model';

/** Names of the fields in Splunk's result rows. */
export interface SplunkFieldMap {
  container: string;
  service: string;
  cluster: string;
  time: string;
  /** Metric → result field; a metric left out is not read from Splunk. */
  metrics: Partial<Record<MetricName, string>>;
}

/** Which `dimensionMap` keys of a Dynatrace series identify the container, its service and cluster. */
export interface DynatraceDimensionMap {
  container: string;
  service?: string;
  cluster?: string;
  /** A regular expression whose first group is the container id inside the container dimension's value. */
  containerPattern?: string;
}

export interface DynatraceMetricMapping {
  selector: string;
  /** Factor from the selector's unit to the metric's (bytes/s → Mbit/s is 8e-6). */
  unitScale: number;
  /** Overrides the source's dimension map for this metric. */
  dimensions?: DynatraceDimensionMap;
}

export const DEFAULT_SPLUNK_FIELDS: SplunkFieldMap = {
  container: 'container_id',
  service: 'service',
  cluster: 'cluster',
  time: '_time',
  metrics: Object.fromEntries(METRIC_NAMES.map((m) => [m, m])),
};

/**
 * The built-in container metrics are split by `dt.entity.container_group_instance`
 * only; the Metrics API returns that entity's display name as the extra
 * dimension `dt.entity.container_group_instance.name` when the selector ends
 * with `:names` (docs.dynatrace.com, "Metrics API - Metric selector",
 * section "Names transformation"). The name is what other tools (Splunk's
 * `container_id`) call the container; the entity id is Dynatrace's own.
 */
export const DEFAULT_DYNATRACE_DIMENSIONS: DynatraceDimensionMap = {
  container: 'dt.entity.container_group_instance.name',
};

export const DEFAULT_DYNATRACE_METRICS: Record<MetricName, DynatraceMetricMapping> = {
  cpu_pct: { selector: 'builtin:containers.cpu.usagePercent:names', unitScale: 1 },
  mem_pct: { selector: 'builtin:containers.memory.usagePercent:names', unitScale: 1 },
  net_mbps: { selector: 'builtin:containers.net.bytesRx:rate(1s):names', unitScale: 8e-6 },
  disk_iops: { selector: 'builtin:containers.disk.iops:names', unitScale: 1 },
};

/** Dynatrace's tag for a container group instance's ECS cluster (set by an auto-tagging rule; see README). */
export const DYNATRACE_CLUSTER_TAG = 'aws.ecs.cluster';

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * The default SPL: per-container averages of the mapped metrics over the
 * look-back window, only from the environment's cluster (another cluster's
 * container must never act on this one's services).
 */
export function defaultSpl(index: string, fields: SplunkFieldMap, cluster: string): string {
  const averages = Object.values(fields.metrics).map((f) => `avg(${f}) AS ${f}`);
  return [
    `search index=${index} sourcetype=ecs:container:metrics ${fields.cluster}=${quoted(cluster)}`,
    `| stats ${averages.join(' ')} latest(${fields.time}) AS ${fields.time} BY ${fields.container} ${fields.service} ${fields.cluster}`,
  ].join(' ');
}

/**
 * The default entity selector: container group instances tagged with the
 * environment's cluster (docs.dynatrace.com, "Environment API - Entity
 * selector", criterion `tag`).
 */
export function defaultEntitySelector(cluster: string): string {
  return `type(CONTAINER_GROUP_INSTANCE),tag(${quoted(`${DYNATRACE_CLUSTER_TAG}:${cluster}`)})`;
}

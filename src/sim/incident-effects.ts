/**
 * What each kind of incident does to a container's load. Shared by the fleet
 * simulator (`npm start`) and the labelled incident benchmark, so both mean the
 * same thing by "a memory leak" or "an outage".
 */
import type { MetricVector } from '../core/model';

export type IncidentKind =
  | 'traffic-surge'
  | 'cpu-runaway'
  | 'outage'
  | 'memory-leak'
  | 'disk-storm'
  | 'cpu-rise-flat-traffic'
  | 'traffic-drop'
  | 'hung-process';

export interface ContainerLoad {
  traffic: number;
  cpu: number;
  mem: number;
  disk: number;
}

export interface IncidentContext {
  /** Steps since the incident began, and its length in steps. */
  into: number;
  length: number;
  /** CPU for a given traffic (the container's normal relation, noise included). */
  cpuFor: (traffic: number) => number;
  /** Share of the service's load this task carries (falls as the service scales out). */
  loadShare: number;
  /** A standard normal draw. */
  noise: () => number;
}

export function applyIncident(load: ContainerLoad, kind: IncidentKind, c: IncidentContext): ContainerLoad {
  const progress = c.into / c.length;
  switch (kind) {
    case 'traffic-surge': {
      const traffic = load.traffic * 2.5;
      return { ...load, traffic, cpu: c.cpuFor(traffic) };
    }
    case 'cpu-runaway':
      // Climbs with the incident's progress, not per sample, so it means the same at any sampling step (2.5 points a step over 24 steps).
      return { ...load, cpu: load.cpu + Math.min(50, 5 + 60 * progress) * c.loadShare };
    case 'outage':
      return { ...load, traffic: load.traffic * 0.02, cpu: 1 + Math.abs(c.noise()) * 0.3, disk: load.disk * 0.05 };
    case 'memory-leak':
      // Climbs until the restart that ends the incident puts it back.
      return { ...load, mem: load.mem + progress * 45 };
    case 'disk-storm':
      return { ...load, disk: load.disk * 6 };
    case 'cpu-rise-flat-traffic':
      return { ...load, cpu: load.cpu + progress * 35 * c.loadShare };
    case 'traffic-drop': {
      // The load balancer stops sending this task most of its share (a flapping health check): its peers keep theirs.
      const traffic = load.traffic * 0.35;
      return { ...load, traffic, cpu: c.cpuFor(traffic), disk: load.disk * 0.6 };
    }
    case 'hung-process':
      // Requests keep arriving but nothing is worked on: CPU and disk fall idle while traffic stays (the reverse decoupling).
      return { ...load, cpu: 1 + Math.abs(c.noise()) * 0.5, disk: load.disk * 0.05 };
  }
}

/** The metric vector a load shows, within physical bounds. */
export function toMetrics(load: ContainerLoad): MetricVector {
  return {
    cpu_pct: Math.max(0, load.cpu),
    mem_pct: Math.max(0, Math.min(100, load.mem)),
    net_mbps: Math.max(0, load.traffic * 0.4),
    disk_iops: Math.max(0, load.disk),
  };
}

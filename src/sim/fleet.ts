/**
 * A deterministic simulated ECS fleet: a dozen services with daily traffic
 * waves and noise, and a few injected incidents of different kinds. It feeds
 * the local Splunk and Dynatrace servers, so the real collectors, pipeline and
 * detector run end to end without any account.
 */
import { SeededRandom, deriveSeed } from '../detector/random';
import type { MetricVector } from '../core/model';
import { applyIncident, toMetrics, type ContainerLoad, type IncidentKind } from './incident-effects';

export type { IncidentKind };

export const STEP_MS = 5 * 60_000;


export interface Incident {
  service: string;
  containerId: string;
  kind: IncidentKind;
  /** First and last affected step (inclusive), counted from the simulation start. */
  fromStep: number;
  toStep: number;
}

export interface SimContainer {
  containerId: string;
  service: string;
  cluster: string;
}

interface ServiceProfile {
  name: string;
  /** Requests-per-second scale, amplitude of the daily wave, and its phase (hours). */
  traffic: number;
  amplitude: number;
  phaseHours: number;
  cpuPerTraffic: number;
  memBase: number;
  diskBase: number;
  tasks: number;
}

export const SIM_SERVICES: ServiceProfile[] = [
  { name: 'checkout-api', traffic: 40, amplitude: 0.6, phaseHours: 14, cpuPerTraffic: 0.9, memBase: 45, diskBase: 120, tasks: 3 },
  { name: 'catalog-api', traffic: 60, amplitude: 0.5, phaseHours: 13, cpuPerTraffic: 0.5, memBase: 38, diskBase: 200, tasks: 3 },
  { name: 'search-api', traffic: 50, amplitude: 0.55, phaseHours: 15, cpuPerTraffic: 0.7, memBase: 52, diskBase: 90, tasks: 3 },
  { name: 'payments-worker', traffic: 20, amplitude: 0.4, phaseHours: 12, cpuPerTraffic: 1.2, memBase: 35, diskBase: 60, tasks: 3 },
  { name: 'orders-api', traffic: 30, amplitude: 0.6, phaseHours: 14, cpuPerTraffic: 0.8, memBase: 41, diskBase: 150, tasks: 3 },
  { name: 'inventory-api', traffic: 25, amplitude: 0.3, phaseHours: 11, cpuPerTraffic: 0.6, memBase: 48, diskBase: 180, tasks: 3 },
  { name: 'auth-service', traffic: 70, amplitude: 0.5, phaseHours: 9, cpuPerTraffic: 0.3, memBase: 30, diskBase: 40, tasks: 3 },
  { name: 'notifications-worker', traffic: 15, amplitude: 0.7, phaseHours: 18, cpuPerTraffic: 0.9, memBase: 33, diskBase: 70, tasks: 3 },
  { name: 'reco-engine', traffic: 35, amplitude: 0.45, phaseHours: 20, cpuPerTraffic: 1.0, memBase: 62, diskBase: 110, tasks: 3 },
  { name: 'media-resizer', traffic: 10, amplitude: 0.5, phaseHours: 16, cpuPerTraffic: 2.0, memBase: 44, diskBase: 400, tasks: 3 },
  { name: 'cart-api', traffic: 45, amplitude: 0.6, phaseHours: 19, cpuPerTraffic: 0.6, memBase: 37, diskBase: 80, tasks: 3 },
  { name: 'shipping-api', traffic: 18, amplitude: 0.4, phaseHours: 10, cpuPerTraffic: 0.7, memBase: 40, diskBase: 95, tasks: 3 },
];

export interface FleetSimOptions {
  seed: number;
  /** Simulation start (a UTC midnight keeps days aligned). */
  startMs: number;
  cluster?: string;
  /** Incidents, in steps from the start; defaults place a varied set in the live window. */
  incidents?: Incident[];
  /** Profiles to simulate; defaults to the twelve built-in services. */
  services?: ServiceProfile[];
  /** Containers per service (defaults to each profile's task count). */
  containersPerService?: number;
  /**
   * Moves the daily wave by this much (ms), so a test that must run at the
   * wall-clock time sees the same time of day in the traffic wherever it runs.
   */
  waveShiftMs?: number;
}

export function containerIdOf(service: string, index: number): string {
  return `${service}-${index.toString(16).padStart(4, '0')}`;
}

/** The default incident set, placed `liveFromStep` steps in (after the history used to warm up). */
export function defaultIncidents(liveFromStep: number): Incident[] {
  const at = (offset: number, length: number) => ({ fromStep: liveFromStep + offset, toStep: liveFromStep + offset + length - 1 });
  return [
    { service: 'checkout-api', containerId: containerIdOf('checkout-api', 0), kind: 'traffic-surge', ...at(10, 24) },
    { service: 'search-api', containerId: containerIdOf('search-api', 1), kind: 'cpu-runaway', ...at(30, 24) },
    { service: 'payments-worker', containerId: containerIdOf('payments-worker', 2), kind: 'outage', ...at(50, 12) },
    { service: 'inventory-api', containerId: containerIdOf('inventory-api', 0), kind: 'memory-leak', ...at(20, 60) },
    { service: 'media-resizer', containerId: containerIdOf('media-resizer', 1), kind: 'disk-storm', ...at(70, 12) },
  ];
}


export class FleetSim {
  readonly containers: SimContainer[];
  readonly incidents: Incident[];
  private readonly profiles: Map<string, ServiceProfile>;
  /** Desired task counts; scaling out spreads a service's load over more tasks. */
  readonly desired = new Map<string, number>();
  private readonly cluster: string;

  constructor(readonly options: FleetSimOptions) {
    this.cluster = options.cluster ?? 'local-apps';
    const services = options.services ?? SIM_SERVICES;
    this.profiles = new Map(services.map((s) => [s.name, s]));
    this.containers = services.flatMap((s) =>
      Array.from({ length: options.containersPerService ?? s.tasks }, (_, i) => ({ containerId: containerIdOf(s.name, i), service: s.name, cluster: this.cluster })),
    );
    for (const s of services) this.desired.set(s.name, options.containersPerService ?? s.tasks);
    this.incidents = options.incidents ?? [];
  }

  stepOf(timeMs: number): number {
    return Math.floor((timeMs - this.options.startMs) / STEP_MS);
  }

  timeOf(step: number): number {
    return this.options.startMs + step * STEP_MS;
  }

  private incidentAt(containerId: string, step: number): Incident | undefined {
    return this.incidents.find((i) => i.containerId === containerId && step >= i.fromStep && step <= i.toStep);
  }

  /** One container's metrics at a step: a pure function of (seed, container, step) and the service's task count. */
  sample(c: SimContainer, step: number): MetricVector {
    const p = this.profiles.get(c.service)!;
    const rng = new SeededRandom(deriveSeed(this.options.seed, `${c.containerId}#${step}`));
    const hours = (((this.timeOf(step) + (this.options.waveShiftMs ?? 0)) / 3_600_000) % 24 + 24) % 24;
    const wave = 1 + p.amplitude * Math.cos((2 * Math.PI * (hours - p.phaseHours)) / 24);
    const traffic = p.traffic * wave * (1 + 0.04 * rng.normal());
    // Load per task falls as the service scales out.
    const loadShare = p.tasks / (this.desired.get(c.service) ?? p.tasks);
    const cpuFor = (t: number) => 5 + p.cpuPerTraffic * t * loadShare * 0.8 + 1.2 * rng.normal();
    const load: ContainerLoad = {
      traffic,
      cpu: cpuFor(traffic),
      mem: p.memBase + 0.05 * traffic + 0.8 * rng.normal(),
      disk: p.diskBase * (0.8 + 0.2 * wave) + 6 * rng.normal(),
    };
    const incident = this.incidentAt(c.containerId, step);
    if (!incident) return toMetrics(load);
    const context = { into: step - incident.fromStep, length: incident.toStep - incident.fromStep + 1, cpuFor, loadShare, noise: () => rng.normal() };
    return toMetrics(applyIncident(load, incident.kind, context));
  }

  /** Metrics of every container at a step. */
  fleetAt(step: number): Array<SimContainer & { metrics: MetricVector; step: number }> {
    return this.containers.map((c) => ({ ...c, step, metrics: this.sample(c, step) }));
  }
}

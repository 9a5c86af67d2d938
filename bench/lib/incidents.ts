/**
 * The labelled container-incident simulator: plays the plan (incident-plan.ts)
 * from a seed, minute by minute, then samples it at a step as a monitoring
 * feed would (each row the mean of its step, stamped at the step's start) and
 * delivers it as real feeds do: some rows missing, some twice, some late.
 */
import { SeededRandom, deriveSeed } from '../../src/detector/random';
import { applyIncident, toMetrics, type ContainerLoad, type IncidentKind } from '../../src/sim/incident-effects';
import { STANDARD_LAYOUT, type FleetLayout } from './fleet-layouts';
import { DAY_MINUTES, INCIDENTS, MINUTE_MS, SERVICE_SHIFT, START_MS, TOTAL_MINUTES, WEEKEND_LEVEL, type IncidentPlan, type ServicePlan } from './incident-plan';

export const METRICS = ['cpu_pct', 'mem_pct', 'net_mbps', 'disk_iops'];

export interface LabelledIncident {
  container: string;
  kind: IncidentKind;
  label: string;
  /** [fromMs, toMs): the minutes the incident changes the container's load. */
  fromMs: number;
  toMs: number;
}

export interface IncidentRow {
  key: string;
  group: string;
  timeMs: number;
  values: number[];
}

export interface IncidentSet {
  seed: number;
  stepMs: number;
  /** In arrival order (late and duplicate rows where they arrive). */
  rows: IncidentRow[];
  incidents: LabelledIncident[];
  delivery: { missing: number; duplicates: number; late: number };
}

/** Per sample: the chance it never arrives, arrives twice, or arrives after the next one to three samples. */
const DELIVERY = { missing: 0.003, duplicate: 0.002, late: 0.001 };

export function placeIncidents(seed: number, plans: readonly IncidentPlan[] = INCIDENTS): LabelledIncident[] {
  return plans.map((plan, i) => {
    const rng = new SeededRandom(deriveSeed(seed, `incident#${i}`));
    const [first, last] = plan.startHours;
    const startMinute = plan.day * DAY_MINUTES + Math.floor(first * 60 + rng.next() * (last - first) * 60);
    const fromMs = START_MS + startMinute * MINUTE_MS;
    return { container: plan.container, kind: plan.kind, label: plan.label, fromMs, toMs: fromMs + plan.minutes * MINUTE_MS };
  });
}

/** An AR(1) walk with unit variance: slow wander that survives averaging, unlike white noise. */
class Wander {
  private x = 0;
  constructor(
    private readonly rng: SeededRandom,
    private readonly keep: number,
  ) {}
  next(): number {
    this.x = this.keep * this.x + Math.sqrt(1 - this.keep * this.keep) * this.rng.normal();
    return this.x;
  }
}

/** One container's four metrics, minute by minute (`METRICS` order, minute-major). */
function playContainer(seed: number, service: ServicePlan, container: string, incidents: LabelledIncident[], serviceWander: Float64Array): Float64Array {
  const rng = new SeededRandom(deriveSeed(seed, container));
  const own = new Wander(rng, 0.99);
  const scale = 0.9 + 0.2 * rng.next();
  const mem = service.mem + 6 * (rng.next() - 0.5);
  const disk = service.disk * (0.9 + 0.2 * rng.next());
  const out = new Float64Array(TOTAL_MINUTES * METRICS.length);
  const mine = incidents.filter((i) => i.container === container);
  for (let m = 0; m < TOTAL_MINUTES; m++) {
    const minuteOfDay = m % DAY_MINUTES;
    const weekday = Math.floor(m / DAY_MINUTES) % 7;
    const level = weekday === 5 || weekday === 6 ? WEEKEND_LEVEL : 1;
    const wave = 1 + service.amplitude * Math.cos((2 * Math.PI * (minuteOfDay / 60 - service.peakHour)) / 24);
    const drift = 1 + 0.04 * serviceWander[m] + 0.02 * own.next();
    const traffic = service.traffic * scale * wave * level * drift * (1 + 0.04 * rng.normal());
    const cpuFor = (x: number) => 5 + service.cpuPerTraffic * x + 1.5 * rng.normal();
    const deployed = service.service === SERVICE_SHIFT.service && m >= SERVICE_SHIFT.atMinute ? SERVICE_SHIFT.memPoints : 0;
    let load: ContainerLoad = {
      traffic,
      cpu: cpuFor(traffic),
      mem: mem + deployed + 0.05 * traffic + 0.8 * rng.normal(),
      disk: disk * (0.85 + 0.15 * wave) * (1 + 0.05 * rng.normal()),
    };
    if (service.nightlyJob && minuteOfDay >= service.nightlyJob[0] && minuteOfDay < service.nightlyJob[1]) {
      load = { ...load, cpu: load.cpu + 20, disk: load.disk * 3 };
    }
    const t = START_MS + m * MINUTE_MS;
    const incident = mine.find((i) => t >= i.fromMs && t < i.toMs);
    if (incident) {
      const context = { into: (t - incident.fromMs) / MINUTE_MS, length: (incident.toMs - incident.fromMs) / MINUTE_MS, cpuFor, loadShare: 1, noise: () => rng.normal() };
      load = applyIncident(load, incident.kind, context);
    }
    const v = toMetrics(load);
    out.set([v.cpu_pct, v.mem_pct, v.net_mbps, v.disk_iops], m * METRICS.length);
  }
  return out;
}

/** The mean of each step's minutes, stamped at the step's start (how CloudWatch and Dynatrace roll up). */
function sample(minutes: Float64Array, stepMinutes: number): number[][] {
  const rows: number[][] = [];
  for (let start = 0; start + stepMinutes <= TOTAL_MINUTES; start += stepMinutes) {
    const mean = new Array<number>(METRICS.length).fill(0);
    for (let m = start; m < start + stepMinutes; m++) for (let k = 0; k < METRICS.length; k++) mean[k] += minutes[m * METRICS.length + k] / stepMinutes;
    rows.push(mean);
  }
  return rows;
}

interface Arrival {
  row: IncidentRow;
  /** When it arrives, and a tie-break that keeps a cycle's containers in fleet order. */
  atMs: number;
  order: number;
}

/** One labelled set: the plan played from `seed` on `layout`'s services, sampled every `stepMinutes`. */
export function generateIncidentSet(seed: number, stepMinutes: number, layout: FleetLayout = STANDARD_LAYOUT): IncidentSet {
  if (!Number.isInteger(stepMinutes) || stepMinutes < 1 || DAY_MINUTES % stepMinutes !== 0) throw new Error(`step must be a whole number of minutes dividing a day, got ${stepMinutes}`);
  const stepMs = stepMinutes * MINUTE_MS;
  const incidents = placeIncidents(seed, layout.incidents);
  const delivery = { missing: 0, duplicates: 0, late: 0 };
  const arrivals: Arrival[] = [];
  let order = 0;
  for (const service of layout.services) {
    const wanderRng = new SeededRandom(deriveSeed(seed, `wander#${service.service}`));
    const wander = new Wander(wanderRng, 0.995);
    const serviceWander = Float64Array.from({ length: TOTAL_MINUTES }, () => wander.next());
    for (const container of service.containers) {
      const rows = sample(playContainer(seed, service, container, incidents, serviceWander), stepMinutes);
      // The delivery's dice depend on the step too, so each step's feed has its own irregularities.
      const dice = new SeededRandom(deriveSeed(seed, `${container}#delivery#${stepMinutes}`));
      rows.forEach((values, i) => {
        const row = { key: container, group: service.service, timeMs: START_MS + i * stepMs, values };
        const u = dice.next();
        const base = { row, order: order++ };
        if (u < DELIVERY.missing && i > 0) {
          delivery.missing++;
        } else if (u < DELIVERY.missing + DELIVERY.duplicate) {
          delivery.duplicates++;
          arrivals.push({ ...base, atMs: row.timeMs }, { ...base, atMs: row.timeMs + stepMs / 2 });
        } else if (u < DELIVERY.missing + DELIVERY.duplicate + DELIVERY.late && i > 0) {
          delivery.late++;
          arrivals.push({ ...base, atMs: row.timeMs + (1 + Math.floor(dice.next() * 3)) * stepMs + stepMs / 2 });
        } else {
          arrivals.push({ ...base, atMs: row.timeMs });
        }
      });
    }
  }
  arrivals.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  return { seed, stepMs, rows: arrivals.map((a) => a.row), incidents, delivery };
}

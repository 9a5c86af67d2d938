/**
 * A labelled container-incident benchmark: 6 containers × 7 days at 5-minute
 * steps (`cpu_pct, mem_pct, net_mbps, disk_iops`) with eight incidents of six
 * kinds and one strongly seasonal container without any, generated from a seed
 * so no evaluation is tuned to one file. Scored by incident (found or not) and
 * false-alarm episode, for the embedded detector and a rolling 24 h z-score.
 */
import { FleetDetector } from '../../src/detector';
import { SeededRandom, deriveSeed } from '../../src/detector/random';
import { applyIncident, toMetrics, type ContainerLoad, type IncidentKind } from '../../src/sim/incident-effects';

export const STEPS_PER_DAY = 288;
export const DAYS = 7;
const STEP_MS = 300_000;
const START_MS = Date.UTC(2026, 9, 5);
/** A detection up to an hour after an incident ends still counts for it (the tail of a ramp). */
const GRACE_STEPS = 12;
/** Flags closer than an hour belong to one false-alarm episode. */
const EPISODE_GAP_STEPS = 12;


export interface LabelledIncident {
  kind: IncidentKind;
  from: number;
  to: number;
}

export interface LabelledContainer {
  name: string;
  times: number[];
  values: number[][];
  incidents: LabelledIncident[];
}


/** Incident placement (day, hour, length in steps) varies with the seed. */
function place(rng: SeededRandom, day: number, length: number): { from: number; to: number } {
  const from = day * STEPS_PER_DAY + Math.floor(rng.next() * (STEPS_PER_DAY - length - 24)) + 12;
  return { from, to: from + length - 1 };
}

export function generateIncidentSet(seed: number): LabelledContainer[] {
  const plans: Array<{ name: string; seasonalAmplitude: number; incidents: Array<{ kind: IncidentKind; day: number; length: number }> }> = [
    { name: 'api-a', seasonalAmplitude: 0.5, incidents: [{ kind: 'cpu-runaway', day: 2, length: 36 }, { kind: 'traffic-surge', day: 5, length: 24 }] },
    { name: 'worker-b', seasonalAmplitude: 0.3, incidents: [{ kind: 'memory-leak', day: 2, length: 240 }, { kind: 'outage', day: 5, length: 18 }] },
    { name: 'api-c', seasonalAmplitude: 0.5, incidents: [{ kind: 'cpu-rise-flat-traffic', day: 3, length: 48 }] },
    { name: 'batch-d', seasonalAmplitude: 0.2, incidents: [{ kind: 'disk-storm', day: 3, length: 24 }, { kind: 'cpu-runaway', day: 5, length: 30 }] },
    { name: 'api-e', seasonalAmplitude: 0.4, incidents: [{ kind: 'outage', day: 4, length: 12 }] },
    { name: 'web-seasonal', seasonalAmplitude: 0.9, incidents: [] },
  ];
  return plans.map((plan) => {
    const rng = new SeededRandom(deriveSeed(seed, plan.name));
    const incidents: LabelledIncident[] = plan.incidents.map((i) => ({ kind: i.kind, ...place(rng, i.day, i.length) }));
    const phase = rng.next() * 24;
    const base = { traffic: 30 + rng.next() * 40, cpuPerTraffic: 0.4 + rng.next() * 0.6, mem: 35 + rng.next() * 20, disk: 80 + rng.next() * 150 };
    const times: number[] = [];
    const values: number[][] = [];
    for (let step = 0; step < DAYS * STEPS_PER_DAY; step++) {
      const t = START_MS + step * STEP_MS;
      const hours = (t / 3_600_000) % 24;
      const wave = 1 + plan.seasonalAmplitude * Math.cos((2 * Math.PI * (hours - phase)) / 24);
      const traffic = base.traffic * wave * (1 + 0.05 * rng.normal());
      const cpuFor = (x: number) => 5 + base.cpuPerTraffic * x + 1.5 * rng.normal();
      let load: ContainerLoad = {
        traffic,
        cpu: cpuFor(traffic),
        mem: base.mem + 0.05 * traffic + rng.normal(),
        disk: base.disk * (0.85 + 0.15 * wave) + 0.05 * base.disk * rng.normal(),
      };
      const incident = incidents.find((i) => step >= i.from && step <= i.to);
      if (incident) {
        load = applyIncident(load, incident.kind, { into: step - incident.from, length: incident.to - incident.from + 1, cpuFor, loadShare: 1, noise: () => rng.normal() });
      }
      const m = toMetrics(load);
      times.push(t);
      values.push([m.cpu_pct, m.mem_pct, m.net_mbps, m.disk_iops]);
    }
    return { name: plan.name, times, values, incidents };
  });
}

/** The embedded detector with the Lambda's defaults: one key per container. */
export function detectorFlags(container: LabelledContainer): boolean[] {
  const d = FleetDetector.create();
  return container.values.map((v, i) => d.update(container.name, container.name, container.times[i], v).isAnomaly);
}

/** The reference: a rolling 24 h z-score, |z| > 4 on any metric. */
export function zScoreFlags(container: LabelledContainer, limit = 4): boolean[] {
  const window = STEPS_PER_DAY;
  return container.values.map((v, i) => {
    if (i < window) return false;
    return v.some((x, m) => {
      let sum = 0;
      let sq = 0;
      for (let k = i - window; k < i; k++) {
        sum += container.values[k][m];
        sq += container.values[k][m] ** 2;
      }
      const mean = sum / window;
      const std = Math.sqrt(Math.max(sq / window - mean * mean, 1e-12));
      return Math.abs((x - mean) / std) > limit;
    });
  });
}

export interface Evaluation {
  incidents: number;
  found: number;
  missed: string[];
  falseAlarmEpisodes: number;
}

export function evaluate(containers: LabelledContainer[], flagsOf: (c: LabelledContainer) => boolean[]): Evaluation {
  const result: Evaluation = { incidents: 0, found: 0, missed: [], falseAlarmEpisodes: 0 };
  for (const c of containers) {
    const flags = flagsOf(c);
    const inIncident = (step: number) => c.incidents.some((i) => step >= i.from && step <= i.to + GRACE_STEPS);
    for (const i of c.incidents) {
      result.incidents++;
      if (flags.slice(i.from, i.to + GRACE_STEPS + 1).some(Boolean)) result.found++;
      else result.missed.push(`${c.name}:${i.kind}`);
    }
    let lastFalse = Number.NEGATIVE_INFINITY;
    flags.forEach((f, step) => {
      if (!f || inIncident(step)) return;
      if (step - lastFalse > EPISODE_GAP_STEPS) result.falseAlarmEpisodes++;
      lastFalse = step;
    });
  }
  return result;
}

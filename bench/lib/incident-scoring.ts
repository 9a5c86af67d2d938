/**
 * Scores alarms on an incident set, in time, at any step: an incident is found
 * by a container alarm on its container from a row whose step overlaps it (or
 * the hour after it, a ramp's tail); other container alarms are false, one
 * episode per container per burst (alarms within an hour of the last belong
 * together). Service and fleet alarms are shifts peers share: each burst is one
 * event, counted apart, never a container alarm and never an incident found.
 */
import type { DetectionScope } from '../../src/detector';
import type { IncidentSet } from './incidents';

/** A detection up to an hour after an incident ends still counts for it (the tail of a ramp). */
export const GRACE_MS = 3_600_000;
/** Alarms closer than an hour to the previous one belong to the same episode or event. */
export const EPISODE_GAP_MS = 3_600_000;

export interface Alarm {
  key: string;
  group: string;
  timeMs: number;
  scope: DetectionScope;
}

export interface Evaluation {
  incidents: number;
  found: number;
  /** `container: label` of each incident missed. */
  missed: string[];
  falseAlarmEpisodes: number;
  fleetEvents: number;
  serviceEvents: number;
}

/** Bursts of alarm times per grouping key: a new burst after a quiet hour. */
function countBursts(alarms: Alarm[], groupOf: (a: Alarm) => string): number {
  const last = new Map<string, number>();
  let bursts = 0;
  for (const a of [...alarms].sort((x, y) => x.timeMs - y.timeMs)) {
    const g = groupOf(a);
    const previous = last.get(g);
    if (previous === undefined || a.timeMs - previous > EPISODE_GAP_MS) bursts++;
    last.set(g, a.timeMs);
  }
  return bursts;
}

export function evaluate(set: IncidentSet, alarms: Alarm[]): Evaluation {
  const own = alarms.filter((a) => a.scope === 'container');
  // A row stamped T covers [T, T + step): it shows an incident whose minutes it overlaps.
  const shows = (a: Alarm, from: number, to: number) => a.timeMs < to && a.timeMs + set.stepMs > from;
  const found = set.incidents.filter((i) => own.some((a) => a.key === i.container && shows(a, i.fromMs, i.toMs + GRACE_MS)));
  const falseAlarms = own.filter((a) => !set.incidents.some((i) => i.container === a.key && shows(a, i.fromMs, i.toMs + GRACE_MS)));
  return {
    incidents: set.incidents.length,
    found: found.length,
    missed: set.incidents.filter((i) => !found.includes(i)).map((i) => `${i.container}: ${i.label}`),
    falseAlarmEpisodes: countBursts(falseAlarms, (a) => a.key),
    fleetEvents: countBursts(alarms.filter((a) => a.scope === 'fleet'), () => 'fleet'),
    serviceEvents: countBursts(alarms.filter((a) => a.scope === 'service'), (a) => a.group),
  };
}

/** Sums evaluations of several sets (missed incidents listed with their seed). */
export function combine(evaluations: Array<{ seed: number; evaluation: Evaluation }>): Evaluation {
  const total: Evaluation = { incidents: 0, found: 0, missed: [], falseAlarmEpisodes: 0, fleetEvents: 0, serviceEvents: 0 };
  for (const { seed, evaluation: e } of evaluations) {
    total.incidents += e.incidents;
    total.found += e.found;
    total.missed.push(...e.missed.map((m) => `${seed}/${m}`));
    total.falseAlarmEpisodes += e.falseAlarmEpisodes;
    total.fleetEvents += e.fleetEvents;
    total.serviceEvents += e.serviceEvents;
  }
  return total;
}

/**
 * Stage 4, for shifts peers share: at most one event per service (or for the
 * fleet) and episode, never one alarm per container, carried by the member
 * whose own evidence is strongest. The policy turns it into one 'shift'
 * event, which nothing scales on.
 */
import type { DetectorOptions } from './defaults';
import { riskPerSample, type Detection } from './detection';
import { withinEpisode } from './episodes';
import { FLEET_SHIFT } from './peers';

/** A sample's verdict, and for a member of a shared shift, its verdict on its own residuals (peers not taken out). */
export interface Judged {
  detection: Detection;
  raw?: { score: number; probability: number; threshold: number };
  /** The member adopted a shift its crowd shares, found this round: that shift is news whatever the scores say yet. */
  adopted?: boolean;
}

/** What the events need to know of each sample of the round, in the same order as the verdicts. */
export interface Member {
  group: string;
  timestampMs: number;
  stepMs: number;
}

/**
 * A shared shift is an event when at least `peerShare` of the containers
 * sharing it would have been alarms on their own, or adopted it this round. The fleet is looked at
 * first, and an event for the fleet also closes its services' episodes.
 * `lastEventMs` (per group, and FLEET_SHIFT) is the detector's memory of
 * events raised. Marks the chosen verdicts in place.
 */
export function raiseSharedEvents(members: readonly Member[], judged: readonly Judged[], lastEventMs: Map<string, number>, o: DetectorOptions): void {
  type Alarm = { k: number } & NonNullable<Judged['raw']>;
  const crowds = new Map<string, { members: number; alarms: Alarm[]; groups: Set<string> }>();
  judged.forEach(({ detection, raw, adopted }, k) => {
    if (!raw) return;
    const m = members[k];
    const id = detection.scope === 'fleet' ? FLEET_SHIFT : m.group;
    const crowd = crowds.get(id) ?? { members: 0, alarms: [], groups: new Set<string>() };
    crowd.members++;
    crowd.groups.add(m.group);
    // Adoption takes the shift out of the next rounds' residuals, so the round it is found on is the one to tell.
    if (adopted || raw.probability < riskPerSample(o, m.stepMs)) crowd.alarms.push({ k, ...raw });
    crowds.set(id, crowd);
  });
  const recent = (id: string, t: number) => withinEpisode(t - (lastEventMs.get(id) ?? Number.NEGATIVE_INFINITY), o);
  for (const [id, { members: n, alarms, groups }] of [...crowds].sort(([a], [b]) => (a === FLEET_SHIFT ? -1 : b === FLEET_SHIFT ? 1 : 0))) {
    if (alarms.length === 0 || alarms.length < o.peerShare * n) continue;
    const t = members[alarms[0].k].timestampMs;
    const involved = id === FLEET_SHIFT ? [FLEET_SHIFT, ...groups] : [FLEET_SHIFT, id];
    if (involved.some((g) => recent(g, t))) continue;
    // A container that departs from its peers keeps its own alarm; the event goes to the strongest of the others.
    const candidates = alarms.filter((a) => !judged[a.k].detection.isAnomaly);
    if (candidates.length === 0) continue;
    for (const g of involved) lastEventMs.set(g, t);
    const strongest = candidates.reduce((a, b) => (b.probability < a.probability ? b : a));
    Object.assign(judged[strongest.k].detection, {
      isAnomaly: true,
      score: strongest.score,
      threshold: strongest.threshold,
      probability: strongest.probability,
      scope: id === FLEET_SHIFT ? 'fleet' : 'service',
    });
  }
}

/** A shared shift under way: its metrics (bit d for metric d) and until when it counts as such. */
export interface ShiftUnderWay {
  mask: number;
  untilMs: number;
}

/**
 * Keeps the shifts `found` this round (per group, and FLEET_SHIFT) in
 * `shifts`: a new one counts as under way until `untilMs` (one level
 * half-life on: about as long as the baselines take to learn it); a metric
 * that joins a shift under way is under way with it, until the shift's end;
 * a group where nothing is found and nothing is under way has none.
 */
export function recordShifts(shifts: Map<string, ShiftUnderWay>, found: ReadonlyMap<string, number>, ongoing: ReadonlyMap<string, number>, untilMs: number): void {
  for (const [id, mask] of found) {
    const under = shifts.get(id);
    if (ongoing.has(id) && under) under.mask |= mask;
    else if (mask !== 0) shifts.set(id, { mask, untilMs });
    else shifts.delete(id);
  }
}

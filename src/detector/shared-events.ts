/**
 * Stage 4, for shifts peers share: at most one event per service (or for the
 * fleet) and episode, never one alarm per container, carried by the member
 * whose own evidence is strongest. The policy turns it into one 'shift'
 * event, which nothing scales on.
 */
import type { DetectorOptions } from './defaults';
import { riskPerSample, type Detection } from './detection';
import { leadingMetric, withinEpisode } from './episodes';
import { FLEET_SHIFT, SHIFT_Z } from './peers';

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
  /** How many containers the member's service has now, its rows missing from this round included (peers.ts serviceSizes). */
  serviceSize: number;
  timestampMs: number;
  stepMs: number;
  /** What the member's own evidence is made of: its residuals with the shift its peers share (if one) taken out (a container that departs from a shift keeps its alarm). */
  z: Float64Array;
  /** Per metric, how far (in deviations) the member moved its service's shift's way before the shift was taken out (0 where its service has none: shared-part.ts movedWithService). */
  moved?: Float64Array;
}

/** A member unusual at the same moment, at least this many deviations the same way on an alarm's metric, shares what the alarm is about. */
const TOGETHER_Z = 1;

/** Whether the member moved its service's shift's way, a deviation or more, on `metric` (on a metric of the shift, without one). */
function movedWithShift(m: Member, metric?: number): boolean {
  const moved = m.moved ?? [];
  return metric === undefined ? moved.some((x) => x >= TOGETHER_Z) : (moved[metric] ?? 0) >= TOGETHER_Z;
}

/** Whether `id` (a group, or FLEET_SHIFT) had an event raised within the episode before `t`: it has been told. */
function toldWithinEpisode(lastEventMs: ReadonlyMap<string, number>, id: string, t: number, o: DetectorOptions): boolean {
  return withinEpisode(t - (lastEventMs.get(id) ?? Number.NEGATIVE_INFINITY), o);
}

/**
 * A shared shift is an event when at least `peerShare` of the containers
 * sharing it would have been alarms on their own, or adopted it this round;
 * one member's own alarm only where another adopted the shift or moved its
 * way by a deviation (one task's alarm is half a pair: an incident on it
 * while the pair's shift was under way was raised as the pair's event first,
 * and nothing scales on those; a deploy to a pair whose second task's own
 * evidence stays below its bar is still the pair's). The fleet is looked at
 * first, and an event for the fleet also closes its services' episodes.
 * `lastEventMs` (per group, and FLEET_SHIFT) is the detector's memory of
 * events raised. Marks the chosen verdicts in place.
 */
export function raiseSharedEvents(members: readonly Member[], judged: readonly Judged[], lastEventMs: Map<string, number>, o: DetectorOptions): void {
  type Alarm = { k: number } & NonNullable<Judged['raw']>;
  const crowds = new Map<string, { members: number[]; alarms: Alarm[]; groups: Set<string> }>();
  judged.forEach(({ detection, raw, adopted }, k) => {
    if (!raw) return;
    const m = members[k];
    const id = detection.scope === 'fleet' ? FLEET_SHIFT : m.group;
    const crowd = crowds.get(id) ?? { members: [], alarms: [], groups: new Set<string>() };
    crowd.members.push(k);
    crowd.groups.add(m.group);
    // Adoption takes the shift out of the next rounds' residuals, so the round it is found on is the one to tell.
    if (adopted || raw.probability < riskPerSample(o, m.stepMs)) crowd.alarms.push({ k, ...raw });
    crowds.set(id, crowd);
  });
  const recent = (id: string, t: number) => toldWithinEpisode(lastEventMs, id, t, o);
  for (const [id, { members: ks, alarms, groups }] of [...crowds].sort(([a], [b]) => (a === FLEET_SHIFT ? -1 : b === FLEET_SHIFT ? 1 : 0))) {
    // A service's row missing from the round still counts: one task's runaway was half of two of three.
    const n = id === FLEET_SHIFT ? ks.length : Math.max(ks.length, members[ks[0]].serviceSize);
    if (alarms.length === 0 || alarms.length < o.peerShare * n) continue;
    if (alarms.length < 2 && !alarms.some((a) => judged[a.k].adopted) && !ks.some((k) => k !== alarms[0].k && movedWithShift(members[k]))) continue;
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

/**
 * A container alarm is its service's event when at least `peerShare` of the
 * service's containers (at least two, the alarm's among them) depart the
 * same way on the alarm's leading metric at the same moment: unusual and a
 * deviation out, or as far as a mover of a shared shift (SHIFT_Z). A
 * departure the members share that none of them showed beyond the peers' bar
 * on its own (a nightly job every task runs, on the nights their profiles are
 * still learning it; a deploy to a pair whose second task moves a round later) is
 * one event, never N container alarms nor a scale-out: the members cross
 * their own thresholds a round or two apart, so departing, not "alarmed", is
 * what they must share. Only within a service: across services, one
 * service's shift and another's incident at once would be taken for the
 * fleet's. In a pair (a service of two: serviceSize) whose shift is under way on the alarm's metric, and
 * both of which moved its way (a deviation or more, before it was taken
 * out), the alarm is the pair's: taken out, a shift leaves each of two half
 * their difference, one up and one down (after a scale-in to two that carry
 * three times the load, their wider noise alarmed as each one's own
 * departure). One task departing while the other stays put keeps its
 * alarm: a review found a runaway, or a hung process against the shift's
 * way, raised only as the pair's event for the three hours a shift from
 * traffic both tasks share stays under way.
 * Runs after raiseSharedEvents: a service whose event was raised
 * within the episode, or the fleet's, has told it. The share is of the
 * service's containers in the round, which is the service's present size
 * when a whole cycle comes at once: counted over the last hour, the tasks a
 * scale-in stopped made the two left a minority of six, two container
 * alarms where it is the service's event.
 */
export function mergeSimultaneousAlarms(members: readonly Member[], judged: readonly Judged[], lastEventMs: Map<string, number>, o: DetectorOptions): void {
  const byGroup = new Map<string, number[]>();
  judged.forEach(({ detection }, k) => {
    if (detection.arrival !== 'in-order') return;
    const ks = byGroup.get(members[k].group);
    if (ks) ks.push(k);
    else byGroup.set(members[k].group, [k]);
  });
  for (const [group, ks] of byGroup) {
    const shared = ks.filter((a) => {
      const { isAnomaly, scope, attribution } = judged[a].detection;
      if (!isAnomaly || scope !== 'container') return false;
      const lead = leadingMetric(attribution);
      const way = attribution.high[lead] >= attribution.low[lead] ? 1 : -1;
      // A pair cannot tell which of its two departs from the other: when both moved with its shift, what is left is the pair's.
      if (ks.length === 2 && members[a].serviceSize === 2 && ks.every((k) => movedWithShift(members[k], lead))) return true;
      const departs = (k: number) => way * members[k].z[lead];
      const together = ks.filter((k) => k === a || departs(k) >= SHIFT_Z || (judged[k].detection.unusual && departs(k) >= TOGETHER_Z));
      return together.length >= 2 && together.length >= o.peerShare * ks.length;
    });
    if (shared.length === 0) continue;
    const t = members[shared[0]].timestampMs;
    const told = toldWithinEpisode(lastEventMs, FLEET_SHIFT, t, o) || toldWithinEpisode(lastEventMs, group, t, o);
    const strongest = shared.reduce((a, b) => (judged[b].detection.probability < judged[a].detection.probability ? b : a));
    for (const k of shared) judged[k].detection.isAnomaly = !told && k === strongest;
    if (told) continue;
    lastEventMs.set(group, t);
    judged[strongest].detection.scope = 'service';
  }
}

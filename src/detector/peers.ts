/**
 * Stage 1c, peers: the containers of one service, and the whole batch, are
 * each other's context. When at least `peerShare` of them depart on the same
 * metric in the same direction at the same moment (a fleet-wide drop on
 * Saturday night, a deploy, a shared upstream), or (for the fleet) their
 * median departs as the median of that many ordinary members rarely does and
 * two services' medians with it (a quarter less traffic is two deviations in
 * each container, yet unmistakable in eight at once), the shift is theirs,
 * not each container's: its common part (the peers' median departure) is
 * taken out of every member's residuals, so what remains is how far each container departs
 * from its peers — the strongest evidence there is about one container.
 */
import type { DetectionScope } from './detection';

export interface PeerEntry {
  group: string;
  /** Standardised residuals against the key's own baseline. */
  z: Float64Array;
  /** Per metric, a 100% change of the key's expected value in z units. */
  perUnit: Float64Array;
  /** Per metric, the departure as a share of the expected value, unclipped. */
  relative: Float64Array;
}

export interface PeerView {
  /** Per metric, the shared relative change to take out (0 where nothing is shared). */
  common: Float64Array;
  /** Who shares a shift with this container: nobody ('container'), its service, or the fleet. */
  scope: DetectionScope;
  /** Per metric, the most this container may adopt of the shift as its new level (a relative change, 0 where nothing may be). */
  adoptLimit: Float64Array;
  /** The metrics (bit d) whose shift taken out is the service's own: adopted when the service's has lasted an episode, the others when the fleet's has. */
  byService: number;
}

/** A departure of this many deviations is one a single sample rarely shows by chance. */
export const SHIFT_Z = 3;
/** Fewer than this many containers are no crowd to compare with. */
const MIN_PEERS = 3;

/**
 * How many movers make a crowd among `members`: MIN_PEERS, but in a service
 * of two both of them. Two of two three deviations out the same way at once
 * is about as rare by chance as two of three, and a deploy to a pair is its
 * shift as much as a larger service's: left to each member (no crowd, never
 * adopted) it kept both unusual for hours, their calibrations learned it,
 * and a CPU runaway on one of them two days later went unraised. The fleet
 * keeps MIN_PEERS.
 */
function crowdOf(members: number, fleet: boolean): number {
  return fleet ? MIN_PEERS : Math.min(MIN_PEERS, Math.max(members, 2));
}

/** A container that missed at most this many of its rows in a row is still one of its service's, while it is the only one missing. */
const MISSED_ROWS = 2;

/**
 * Per service, how many containers it has now: those in the round, and one
 * more where a container whose last sample came at most MISSED_ROWS of its
 * steps before is missing from it. One row lost on the way is the feed's
 * (about 0.3% of rows): a service of three whose third row is missing from
 * a cycle is still three, not a pair (the pair's rules made a runaway on one
 * task the service's event). Several of one service missing at once is a
 * scale-in, and the tasks it stopped count no more: counted over the last
 * hour, or for two rows, the two left after six were a minority of six, and
 * each one's alarm its own where it is the service's event. (A scale-in of
 * one task reads as one lost row for two rows: its service's event can come
 * a round later.)
 */
export function serviceSizes<K extends { group: string; lastMs: number; stepMs: number }>(known: Iterable<K>, round: ReadonlyMap<K, number>): Map<string, number> {
  // Each service's moment is its own latest sample in the round: a late row of another service must not make it earlier.
  const nowMs = new Map<string, number>();
  for (const [m, t] of round) nowMs.set(m.group, Math.max(nowMs.get(m.group) ?? t, t));
  const present = new Map<string, number>();
  const missing = new Map<string, number>();
  for (const m of known) {
    const age = (nowMs.get(m.group) ?? Number.NaN) - m.lastMs;
    const counts = round.has(m) ? present : age > 0 && age <= (MISSED_ROWS + 0.5) * m.stepMs ? missing : undefined;
    counts?.set(m.group, (counts.get(m.group) ?? 0) + 1);
  }
  return new Map([...present].map(([group, n]) => [group, n + ((missing.get(group) ?? 0) === 1 ? 1 : 0)]));
}

/** The standard error of the median of n normal draws is this / √n (1.2533 = √(π/2)). */
const MEDIAN_ERROR = Math.sqrt(Math.PI / 2);
/** A fleet's median departure under one deviation is no shift however many members share it: baselines lag a daily cycle by about that much together. */
const MIN_MEDIAN_SHIFT = 1;

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Per metric, the members' median departure where at least `share` of them
 * departed the same way (NaN elsewhere); null when none did. With `spread`,
 * the movers must also come from at least two groups: one big service moving
 * is that service's shift, not the fleet's.
 */
export function sharedShift(members: readonly PeerEntry[], dims: number, share: number, groups?: readonly string[], ongoing = 0, size = members.length): Float64Array | null {
  if (members.length < crowdOf(members.length, groups !== undefined)) return null;
  const crowd = crowdOf(size, groups !== undefined);
  const common = new Float64Array(dims).fill(Number.NaN);
  let any = false;
  for (let d = 0; d < dims; d++) {
    const up = new Set<string>();
    const down = new Set<string>();
    let ups = 0;
    let downs = 0;
    members.forEach(({ z }, i) => {
      if (z[d] >= SHIFT_Z) {
        ups++;
        up.add(groups?.[i] ?? '');
      } else if (z[d] <= -SHIFT_Z) {
        downs++;
        down.add(groups?.[i] ?? '');
      }
    });
    const side = ups >= downs ? { n: ups, from: up, sign: 1 } : { n: downs, from: down, sign: -1 };
    // A shift under way stays shared until the baselines have learned it: its movers fall below the bar one by one.
    const underWay = (ongoing & (1 << d)) !== 0;
    // One mover is never a shift, whatever the share (half of a pair).
    const byMovers = side.n >= share * members.length && side.n >= 2 && (!groups || side.from.size >= 2);
    if (underWay || byMovers || (groups !== undefined && medianMoved(members, d, groups))) {
      // Peers differ in noise, so the same quarter less traffic is a different z for each: the median is taken of
      // relative changes, over the members that moved while they are a crowd (those that stayed would halve a shift
      // half the fleet shares); over all members otherwise, so one container's incident is never "the crowd's".
      const scaled = members.filter((e) => e.perUnit[d] > 0);
      const movers = scaled.filter((e) => side.sign * e.z[d] >= SHIFT_Z);
      common[d] = median((isCrowd(movers.length, members.length, share, crowd) ? movers : scaled).map((e) => e.relative[d]));
      any = true;
    }
  }
  return any ? common : null;
}

/**
 * Whether the fleet moved together on metric `d` though few of its members
 * moved SHIFT_Z each: the members' median departure is one the median of that
 * many ordinary members rarely reaches (SHIFT_Z of its standard error, and at
 * least one deviation), and at least two services' own medians are that far
 * out the same way. A quarter less traffic everywhere is two deviations in
 * each container, no mover on its own, yet unmistakable in eight at once.
 * The floor and the services keep the test honest where members are not
 * independent: a service's containers share their traffic, so one big
 * service moving alone is its own shift, and a large fleet's small common
 * lag behind its daily cycle is no shift at all.
 */
function medianMoved(members: readonly PeerEntry[], d: number, groups: readonly string[]): boolean {
  const mid = median(members.map((e) => e.z[d]));
  const bar = Math.max(MIN_MEDIAN_SHIFT, (SHIFT_Z * MEDIAN_ERROR) / Math.sqrt(members.length));
  if (Math.abs(mid) < bar) return false;
  const byGroup = new Map<string, number[]>();
  members.forEach((e, i) => {
    const zs = byGroup.get(groups[i]);
    if (zs) zs.push(e.z[d]);
    else byGroup.set(groups[i], [e.z[d]]);
  });
  return [...byGroup.values()].filter((zs) => Math.sign(mid) * median(zs) >= bar).length >= 2;
}

/** Movers are a crowd when they are at least `share` of the members and at least `crowd` (crowdOf): two of three can be an incident and a coincidence. */
function isCrowd(movers: number, members: number, share: number, crowd: number): boolean {
  return movers >= crowd && movers >= share * members;
}

/**
 * Per member, per metric of the shift `common`, the most it may adopt as its
 * new level: the most extreme change another mover showed (the shift is
 * shared only as far as someone else shares it, so a container that fell far
 * further than the rest keeps the difference as its own departure); 0 where
 * the movers are no crowd, or the member did not move with them.
 */
export function adoptionLimits(members: readonly PeerEntry[], common: Float64Array | null, dims: number, share: number, fleet: boolean, size = members.length): Float64Array[] {
  const limits = members.map(() => new Float64Array(dims));
  if (!common) return limits;
  for (let d = 0; d < dims; d++) {
    const sign = Math.sign(common[d]);
    if (!sign) continue;
    const movers = members.flatMap((e, i) => (e.perUnit[d] > 0 && sign * e.z[d] >= SHIFT_Z ? [i] : []));
    if (!isCrowd(movers.length, members.length, share, crowdOf(size, fleet))) continue;
    const byReach = movers.slice().sort((a, b) => sign * (members[b].relative[d] - members[a].relative[d]));
    const [first, second] = byReach;
    for (const i of movers) limits[i][d] = members[i === first ? second : first].relative[d];
  }
  return limits;
}

/** The metrics (bit d for metric d) a shared shift moves. */
export function shiftedMetrics(common: Float64Array | null): number {
  let mask = 0;
  common?.forEach((c, d) => {
    if (!Number.isNaN(c)) mask |= 1 << d;
  });
  return mask;
}

/** The fleet's key among the groups' in `ongoing` and in the shifts found. */
export const FLEET_SHIFT = '\u0000fleet';

/**
 * Each entry's view of its peers: the fleet's shared shift where there is
 * one, else its service's. `ongoing` holds, per group (and FLEET_SHIFT), the
 * metrics of a shift still under way; `found` receives the shifts seen now.
 */
export function peerViews(entries: readonly PeerEntry[], dims: number, share: number, ongoing: ReadonlyMap<string, number> = new Map(), found?: Map<string, number>, sizes?: ReadonlyMap<string, number>): PeerView[] {
  const byGroup = new Map<string, PeerEntry[]>();
  for (const e of entries) {
    const members = byGroup.get(e.group);
    if (members) members.push(e);
    else byGroup.set(e.group, [e]);
  }
  const fleet = sharedShift(entries, dims, share, entries.map((e) => e.group), ongoing.get(FLEET_SHIFT));
  found?.set(FLEET_SHIFT, shiftedMetrics(fleet));
  const fleetLimits = adoptionLimits(entries, fleet, dims, share, true);
  const services = new Map<string, { shift: Float64Array | null; limits: Map<PeerEntry, Float64Array> }>();
  for (const [group, members] of byGroup) {
    const size = Math.max(members.length, sizes?.get(group) ?? 0);
    const shift = sharedShift(members, dims, share, undefined, ongoing.get(group), size);
    const limits = adoptionLimits(members, shift, dims, share, false, size);
    services.set(group, { shift, limits: new Map(members.map((m, i) => [m, limits[i]])) });
    found?.set(group, shiftedMetrics(shift));
  }
  return entries.map((e, i) => {
    const { shift: service = null, limits } = services.get(e.group) ?? {};
    const common = new Float64Array(dims);
    const adoptLimit = new Float64Array(dims);
    let byService = 0;
    let scope: DetectionScope = 'container';
    for (let d = 0; d < dims; d++) {
      const inFleet = fleet !== null && !Number.isNaN(fleet[d]);
      const inService = service !== null && !Number.isNaN(service[d]);
      // The event is the fleet's when the fleet shares it; the size taken out is the service's own where it has one (nearer peers).
      if (inService) {
        common[d] = service[d];
        adoptLimit[d] = limits?.get(e)?.[d] ?? 0;
        byService |= 1 << d;
      } else if (inFleet) {
        common[d] = fleet[d];
        adoptLimit[d] = fleetLimits[i][d];
      }
      if (inFleet) scope = 'fleet';
      else if (inService && scope === 'container') scope = 'service';
    }
    return { common, scope, adoptLimit, byService };
  });
}

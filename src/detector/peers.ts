/**
 * Stage 1c, peers: the containers of one service, and the whole batch, are
 * each other's context. When at least `peerShare` of them depart on the same
 * metric in the same direction at the same moment (a fleet-wide drop on
 * Saturday night, a deploy, a shared upstream), the shift is theirs, not each
 * container's: its common part (the peers' median departure) is taken out of
 * every member's residuals, so what remains is how far each container departs
 * from its peers — the strongest evidence there is about one container.
 */
import type { DetectionScope } from './detection';

export interface PeerEntry {
  group: string;
  /** Standardised residuals against the key's own baseline. */
  z: Float64Array;
  /** Per metric, a 100% change of the key's expected value in z units. */
  perUnit: Float64Array;
}

/** Per metric, the relative change a member shares with its peers: in its residuals, and in its position. */
export interface SharedPart {
  level: Float64Array;
  position: Float64Array;
}

export interface PeerView {
  /** Per metric, the shared relative change to take out (0 where nothing is shared). */
  common: Float64Array;
  /** Who shares a shift with this container: nobody ('container'), its service, or the fleet. */
  scope: DetectionScope;
}

/** A departure of this many deviations is one a single sample rarely shows by chance. */
const SHIFT_Z = 3;
/** How far beyond the crowd's median shift a member's own is adopted: its own load and noise, not another incident. */
const ADOPT_LIMIT = 2;
/** Fewer than this many containers are no crowd to compare with. */
const MIN_PEERS = 3;

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
export function sharedShift(members: readonly PeerEntry[], dims: number, share: number, groups?: readonly string[], ongoing = 0): Float64Array | null {
  if (members.length < MIN_PEERS) return null;
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
    if (underWay || (side.n >= share * members.length && (!groups || side.from.size >= 2))) {
      // Peers differ in noise, so the same quarter less traffic is a different z for each: the median is taken of
      // relative changes, over the members that moved while they are the crowd (those that stayed would halve a shift
      // half the fleet shares); over all members once it fades, so one container's incident is never "the crowd's".
      const scaled = members.filter((e) => e.perUnit[d] > 0);
      const movers = scaled.filter((e) => side.sign * e.z[d] >= SHIFT_Z);
      common[d] = median((movers.length >= share * members.length ? movers : scaled).map((e) => e.z[d] / e.perUnit[d]));
      any = true;
    }
  }
  return any ? common : null;
}

/**
 * A member's residuals with the shared shift taken out as far as the member
 * shows it: only in the shift's direction, and never more than it moved. A
 * container that did not take part (the deploy reached its neighbours, not
 * it) keeps its own residuals instead of being pushed away by a shift it
 * never had; one that moved further, or the other way, keeps the difference.
 */
export function withoutShared(z: Float64Array, common: Float64Array, perUnit: Float64Array): Float64Array {
  return z.map((x, d) => {
    const shared = common[d] * perUnit[d];
    if (shared > 0) return x - Math.min(shared, Math.max(x, 0));
    if (shared < 0) return x - Math.max(shared, Math.min(x, 0));
    return x;
  });
}

/**
 * Per metric in `fresh` (bit d for metric d), the relative change
 * `withoutShared` takes out of a member (0 elsewhere): what the member's
 * baseline adopts at once when its peers' shift is found, since a shift they
 * share is the new normal, not an incident to learn slowly. Only on the
 * moment it is found: while it is under way, what is "shared" is the members'
 * noise, and adopting the part that points the shift's way would ratchet.
 */
export function sharedPart(z: Float64Array, common: Float64Array, perUnit: Float64Array, fresh: number): Float64Array {
  // Each member moves by its own share of the shift (its load, its noise): up to twice the crowd's median, never more.
  const own = withoutShared(z, common.map((c) => ADOPT_LIMIT * c), perUnit);
  return z.map((x, d) => (fresh & (1 << d) && perUnit[d] > 0 ? (x - own[d]) / perUnit[d] : 0));
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
export function peerViews(entries: readonly PeerEntry[], dims: number, share: number, ongoing: ReadonlyMap<string, number> = new Map(), found?: Map<string, number>): PeerView[] {
  const byGroup = new Map<string, PeerEntry[]>();
  for (const e of entries) {
    const members = byGroup.get(e.group);
    if (members) members.push(e);
    else byGroup.set(e.group, [e]);
  }
  const fleet = sharedShift(entries, dims, share, entries.map((e) => e.group), ongoing.get(FLEET_SHIFT));
  found?.set(FLEET_SHIFT, shiftedMetrics(fleet));
  const services = new Map<string, Float64Array | null>();
  for (const [group, members] of byGroup) {
    const service = sharedShift(members, dims, share, undefined, ongoing.get(group));
    services.set(group, service);
    found?.set(group, shiftedMetrics(service));
  }
  return entries.map((e) => {
    const service = services.get(e.group) ?? null;
    const common = new Float64Array(dims);
    let scope: DetectionScope = 'container';
    for (let d = 0; d < dims; d++) {
      const inFleet = fleet !== null && !Number.isNaN(fleet[d]);
      const inService = service !== null && !Number.isNaN(service[d]);
      // The event is the fleet's when the fleet shares it; the size taken out is the service's own where it has one (nearer peers).
      if (inService) common[d] = service[d];
      else if (inFleet) common[d] = fleet[d];
      if (inFleet) scope = 'fleet';
      else if (inService && scope === 'container') scope = 'service';
    }
    return { common, scope };
  });
}

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

export interface PeerView {
  /** Per metric, the shared relative change to take out (0 where nothing is shared). */
  common: Float64Array;
  /** Who shares a shift with this container: nobody ('container'), its service, or the fleet. */
  scope: DetectionScope;
}

/** A departure of this many deviations is one a single sample rarely shows by chance. */
const SHIFT_Z = 3;
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
    const side = ups >= downs ? { n: ups, from: up } : { n: downs, from: down };
    // A shift under way stays shared until the baselines have learned it: its movers fall below the bar one by one.
    const underWay = (ongoing & (1 << d)) !== 0;
    if (underWay || (side.n >= share * members.length && (!groups || side.from.size >= 2))) {
      // Peers differ in noise, so the same quarter less traffic is a different z for each: the median is taken of relative changes.
      common[d] = median(members.filter((e) => e.perUnit[d] > 0).map((e) => e.z[d] / e.perUnit[d]));
      any = true;
    }
  }
  return any ? common : null;
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
      if (fleet && !Number.isNaN(fleet[d])) {
        common[d] = fleet[d];
        scope = 'fleet';
      } else if (service && !Number.isNaN(service[d])) {
        common[d] = service[d];
        if (scope === 'container') scope = 'service';
      }
    }
    return { common, scope };
  });
}

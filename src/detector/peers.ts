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

/** A departure of this many deviations is one a single sample rarely shows by chance. */
const SHIFT_Z = 3;
/** Fewer than this many containers are no crowd to compare with. */
const MIN_PEERS = 3;

export interface PeerEntry {
  group: string;
  /** Standardised residuals against the key's own baseline. */
  z: Float64Array;
}

export interface PeerView {
  /** Per metric, the shared part to take out (0 where nothing is shared). */
  common: Float64Array;
  /** Who shares a shift with this container: nobody ('container'), its service, or the fleet. */
  scope: DetectionScope;
}

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
export function sharedShift(members: readonly Float64Array[], dims: number, share: number, groups?: readonly string[]): Float64Array | null {
  if (members.length < MIN_PEERS) return null;
  const common = new Float64Array(dims).fill(Number.NaN);
  let any = false;
  for (let d = 0; d < dims; d++) {
    const up = new Set<string>();
    const down = new Set<string>();
    let ups = 0;
    let downs = 0;
    members.forEach((z, i) => {
      if (z[d] >= SHIFT_Z) {
        ups++;
        up.add(groups?.[i] ?? '');
      } else if (z[d] <= -SHIFT_Z) {
        downs++;
        down.add(groups?.[i] ?? '');
      }
    });
    const side = ups >= downs ? { n: ups, from: up } : { n: downs, from: down };
    if (side.n >= share * members.length && (!groups || side.from.size >= 2)) {
      common[d] = median(members.map((z) => z[d]));
      any = true;
    }
  }
  return any ? common : null;
}

/** Each entry's view of its peers: the fleet's shared shift where there is one, else its service's. */
export function peerViews(entries: readonly PeerEntry[], dims: number, share: number): PeerView[] {
  const byGroup = new Map<string, Float64Array[]>();
  for (const e of entries) {
    const members = byGroup.get(e.group);
    if (members) members.push(e.z);
    else byGroup.set(e.group, [e.z]);
  }
  const fleet = sharedShift(entries.map((e) => e.z), dims, share, entries.map((e) => e.group));
  const services = new Map<string, Float64Array | null>();
  for (const [group, members] of byGroup) services.set(group, sharedShift(members, dims, share));
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

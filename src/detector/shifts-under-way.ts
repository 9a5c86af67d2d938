/**
 * Stage 1c's memory: the shared shifts under way, per group (and the fleet)
 * and metric. A shift counts as under way for a level half-life after it was
 * found (about as long as the baselines take to learn it), so its members'
 * departures stay shared while they fall below the bar one by one.
 *
 * Its members adopt it as their new level only once it has lasted an
 * episode (`episodeMs`): a shared departure that ends sooner was an episode
 * (a job every task of a service runs), which each member's profiles learn
 * as every recurring pattern. Adopted at once, a nightly job was taken into
 * its three containers' levels at its start and out at its end, never
 * learned, and raised as the service's event every night (tuning seeds, a
 * batch service of three: 72 service events in 8 weeks at 5-minute steps).
 */
import { readMap, writeMap, type BinaryReader, type ByteSink } from './codec';
import type { DetectorOptions } from './defaults';

/** One group's shifts: per metric when its shift was found (NaN: none), and (bit d) whether its members have adopted it. */
interface GroupShifts {
  sinceMs: Float64Array;
  adopted: number;
}

export class ShiftsUnderWay {
  private readonly groups = new Map<string, GroupShifts>();

  constructor(private readonly dims: number) {}

  private live(g: GroupShifts, d: number, nowMs: number, o: DetectorOptions): boolean {
    return nowMs < g.sinceMs[d] + o.levelHalfLifeMs;
  }

  /** Per group, the metrics (bit d) of a shift under way at `nowMs`: what the peers stage carries on. */
  underWay(nowMs: number, o: DetectorOptions): Map<string, number> {
    const out = new Map<string, number>();
    for (const [id, g] of this.groups) {
      let mask = 0;
      for (let d = 0; d < this.dims; d++) if (this.live(g, d, nowMs, o)) mask |= 1 << d;
      if (mask !== 0) out.set(id, mask);
    }
    return out;
  }

  /**
   * Keeps the metrics (bit d) of the shifts `found` this round, per group: a
   * metric found starts a shift unless one is under way, which runs on to
   * its end (the peers stage carries it on as found meanwhile). Returns, per group, the metrics whose
   * shift has lasted an episode and is adopted now (once).
   */
  record(found: ReadonlyMap<string, number>, nowMs: number, o: DetectorOptions): Map<string, number> {
    const adopt = new Map<string, number>();
    for (const [id, mask] of found) {
      const g = this.groups.get(id) ?? { sinceMs: new Float64Array(this.dims).fill(Number.NaN), adopted: 0 };
      let due = 0;
      for (let d = 0; d < this.dims; d++) {
        const bit = 1 << d;
        if (this.live(g, d, nowMs, o)) {
          if (!(g.adopted & bit) && nowMs - g.sinceMs[d] >= o.episodeMs) due |= bit;
        } else if (mask & bit) {
          [g.sinceMs[d], g.adopted] = [nowMs, g.adopted & ~bit];
        } else {
          [g.sinceMs[d], g.adopted] = [Number.NaN, g.adopted & ~bit];
        }
      }
      g.adopted |= due;
      if (due !== 0) adopt.set(id, due);
      if (g.sinceMs.some((t) => !Number.isNaN(t))) this.groups.set(id, g);
      else this.groups.delete(id);
    }
    return adopt;
  }

  /** Forgets the groups for which `keep` is false. */
  prune(keep: (id: string) => boolean): void {
    for (const id of this.groups.keys()) if (!keep(id)) this.groups.delete(id);
  }

  write(w: ByteSink): void {
    writeMap(w, this.groups, (g) => {
      w.u32(g.adopted);
      for (const t of g.sinceMs) w.f64(t);
    });
  }

  read(r: BinaryReader): void {
    readMap(r, this.groups, () => {
      const g: GroupShifts = { sinceMs: new Float64Array(this.dims), adopted: r.u32() };
      for (let d = 0; d < this.dims; d++) g.sinceMs[d] = r.f64();
      return g;
    });
  }
}

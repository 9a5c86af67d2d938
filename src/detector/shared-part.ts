/**
 * Stage 1c, applied to one member: what a shift its peers share (peers.ts)
 * takes out of its residuals and positions, in the same terms as they are
 * judged, and what it adopts of it as its new level.
 */
import type { PeerView } from './peers';
import { clipZ, type Residuals } from './seasonality';

/** Per metric, the relative change a member shares with its peers: in its residuals, and in its position. */
export interface SharedPart {
  level: Float64Array;
  position: Float64Array;
}

/**
 * A member's residuals with the shared shift taken out as far as the member
 * shows it: only in the shift's direction, and never more than it moved. A
 * container that did not take part (the deploy reached its neighbours, not
 * it) keeps its own residuals instead of being pushed away by a shift it
 * never had; one that moved further, or the other way, keeps the difference.
 * `through` is what was done to `z` (the load relation): the shift is taken
 * out in the same terms, so CPU that rose with flat traffic on every member
 * (a job they all run) is taken out as far as it stands out, not as far as
 * the raw CPU moved.
 */
export function withoutShared(z: Float64Array, common: Float64Array, perUnit: Float64Array, through: (shift: Float64Array) => Float64Array = (shift) => shift): Float64Array {
  // Clipped as the residuals are: a tripled load is Z_CLIP in CPU and traffic alike, and only the same clip decouples alike.
  const shift = through(common.map((c, d) => clipZ(c * perUnit[d])));
  return z.map((x, d) => x - partToward(x, shift[d]));
}

/**
 * The shared change `common` (relative to each member's expected value) as a
 * change of its position (relative to its long-run mean): a level 1 + c times
 * the expected moves the position by c times the expected, which is
 * (1 + position's relative) / (1 + residual's relative) of the long-run mean.
 * Taken out as c alone, the two tasks a scale-in left with three times the
 * load at their daily peak kept deviations of position the shift had made,
 * and alarmed together an hour later, once the event's episode had passed.
 */
export function asPositionChange(common: Float64Array, residual: Residuals, position: Float64Array): Float64Array {
  return common.map((c, d) => {
    // A change of an expectation of zero moves nothing (and its relative says nothing).
    if (residual.perUnit[d] === 0) return 0;
    const expectedToMean = (1 + position[d]) / (1 + residual.relative[d]);
    return Number.isFinite(expectedToMean) && expectedToMean > 0 ? c * expectedToMean : c;
  });
}

/** Per metric, how far `z` goes the way of its service's shift in `view` (0 where the service has none of its own). */
export function movedWithService(z: Float64Array, view: PeerView): Float64Array {
  return z.map((x, d) => ((view.byService >> d) & 1 ? Math.sign(view.common[d]) * x : 0));
}

/** The part of `x` that goes the way of `bound` (from 0), no further than `bound`: 0 when `x` goes the other way or `bound` is 0. */
function partToward(x: number, bound: number): number {
  if (bound > 0) return Math.min(bound, Math.max(x, 0));
  if (bound < 0) return Math.max(bound, Math.min(x, 0));
  return 0;
}

/**
 * Per metric in `fresh` (bit d for metric d), what a member adopts of its
 * peers' shift at once, as a relative change: its own departure, in the
 * shift's direction, up to its `limit` (0 elsewhere). A shift they share is
 * the new normal, not an incident to learn slowly; only on the moment it is
 * found: while it is under way, what is "shared" is the members' noise, and
 * adopting the part that points the shift's way would ratchet.
 */
export function sharedPart(relative: Float64Array, limit: Float64Array, fresh: number): Float64Array {
  return relative.map((x, d) => (fresh & (1 << d) ? partToward(x, limit[d]) : 0));
}

/**
 * Which stored states a detector restores: one of its own format, learned
 * under the options its numbers depend on. The layout (dimensions, shingle, forest
 * size) and the days (time zone) are what its numbers mean; every other
 * option is a decision or a memory's pace, and the restoring detector's own
 * value applies from its next sample on (a release's new default reaches
 * every deployed state).
 */
import type { DetectorOptions } from './defaults';

/** A readable state of another format (what a deploy that changes the format leaves): the caller decides what to do. */
export class DetectorStateVersionError extends Error {
  constructor(
    readonly found: number,
    readonly expected: number,
  ) {
    super(`detector state version ${found} is not supported (expected ${expected})`);
    this.name = 'DetectorStateVersionError';
  }
}

/** The options a learned state's layout and meaning depend on; the forest's half-life is in its reservoirs' keys. */
const LEARNED_UNDER: ReadonlyArray<keyof DetectorOptions> = ['dimensions', 'shingleSize', 'trees', 'sampleSize', 'forestHalfLifeMs', 'timeZone'];

/** A state learned under other LEARNED_UNDER options (another time zone): its profiles mean something else, so the caller starts afresh. */
export class DetectorStateOptionsError extends Error {
  constructor(readonly changed: readonly string[]) {
    super(`detector state was learned with other options (${changed.join(', ')})`);
    this.name = 'DetectorStateOptionsError';
  }
}

/** `wanted`, when `stored` was learned under the same LEARNED_UNDER options; DetectorStateOptionsError otherwise. */
export function restoringOptions(stored: DetectorOptions, wanted: DetectorOptions): DetectorOptions {
  const changed = LEARNED_UNDER.filter((k) => JSON.stringify(stored[k]) !== JSON.stringify(wanted[k]));
  if (changed.length > 0) throw new DetectorStateOptionsError(changed);
  return wanted;
}

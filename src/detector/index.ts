/**
 * The embedded detector: per key, features (time, seasonality found, peers),
 * a streaming Random Cut Forest per group, a calibrated tail probability, one
 * decision at one risk level. fleet.ts reads the stages in order.
 */
export { DetectorStateVersionError, FleetDetector } from './fleet';
export type { Detection, DetectionScope, DetectorInput } from './detection';
export type { Arrival } from './time';
export { DEFAULT_DETECTOR_OPTIONS, canonicalTimeZone, resolveOptions, warmupMsOf, type DetectorOptions } from './defaults';
export { RandomCutForest, type ForestOptions, type ForestScore } from './forest';
export { RandomCutTree } from './tree';
export { SeededRandom } from './random';

import { FleetDetector } from './fleet';
import { resolveOptions, type DetectorOptions } from './defaults';
import type { EmbeddedDetectorFactory } from '../pipeline/ports';

/** A state learned under other options than the detector's (another time zone): its profiles mean something else, so the caller starts afresh. */
export class DetectorStateOptionsError extends Error {
  constructor(readonly changed: readonly string[]) {
    super(`detector state was learned with other options (${changed.join(', ')})`);
    this.name = 'DetectorStateOptionsError';
  }
}

/** The options a learned state's layout and meaning depend on: under others its profiles and forests are not what they say. */
const LEARNED_UNDER: ReadonlyArray<keyof DetectorOptions> = ['dimensions', 'shingleSize', 'trees', 'sampleSize', 'timeZone'];

/**
 * The pipeline's view of the detector: create fresh, or restore from the
 * archive a state learned under the same LEARNED_UNDER options (the others
 * are the state's own, as it was learned).
 */
export function fleetDetectorFactory(options: Partial<DetectorOptions> = {}): EmbeddedDetectorFactory {
  const wanted = resolveOptions(options);
  return {
    create: () => FleetDetector.create(wanted),
    deserialize: (bytes) => {
      const restored = FleetDetector.deserialize(bytes);
      const changed = LEARNED_UNDER.filter((k) => JSON.stringify(wanted[k]) !== JSON.stringify(restored.options[k]));
      if (changed.length > 0) throw new DetectorStateOptionsError(changed);
      return restored;
    },
  };
}

/**
 * The embedded detector: per key, features (time, seasonality found, peers),
 * a streaming Random Cut Forest per group, a calibrated tail probability, one
 * decision at one risk level. fleet.ts reads the stages in order.
 */
export { FleetDetector } from './fleet';
export { DetectorStateOptionsError, DetectorStateVersionError } from './state-compat';
export type { Detection, DetectionScope, DetectorInput } from './detection';
export type { Arrival } from './time';
export { DEFAULT_DETECTOR_OPTIONS, canonicalTimeZone, resolveOptions, warmupMsOf, type DetectorOptions } from './defaults';
export { RandomCutForest, type ForestOptions, type ForestScore } from './forest';
export { RandomCutTree } from './tree';
export { SeededRandom } from './random';

import { FleetDetector } from './fleet';
import { resolveOptions, type DetectorOptions } from './defaults';
import type { EmbeddedDetectorFactory } from '../pipeline/ports';

/**
 * The pipeline's view of the detector: create fresh, or restore from the
 * archive a state learned under the same days and layout, with these options
 * (state-compat.ts).
 */
export function fleetDetectorFactory(options: Partial<DetectorOptions> = {}): EmbeddedDetectorFactory {
  const wanted = resolveOptions(options);
  return {
    create: () => FleetDetector.create(wanted),
    deserialize: (bytes) => FleetDetector.deserialize(bytes, wanted),
  };
}

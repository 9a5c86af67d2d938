/** The embedded detector: a streaming Random Cut Forest per group with per-key models. */
export { DetectorStateVersionError, FleetDetector, type Detection, type DetectionScope, type DetectorInput } from './fleet';
export { DEFAULT_DETECTOR_OPTIONS, resolveOptions, warmupMsOf, type DetectorOptions } from './defaults';
export { RandomCutForest, type ForestOptions, type ForestScore } from './forest';
export { RandomCutTree } from './tree';
export { SeededRandom } from './random';

import { FleetDetector } from './fleet';
import type { DetectorOptions } from './defaults';
import type { EmbeddedDetectorFactory } from '../pipeline/ports';

/** The pipeline's view of the detector: create fresh or restore from the archive. */
export function fleetDetectorFactory(options: Partial<DetectorOptions> = {}): EmbeddedDetectorFactory {
  return {
    create: () => FleetDetector.create(options),
    deserialize: (bytes) => FleetDetector.deserialize(bytes),
  };
}

/**
 * The embedded detector's state between runs: one object in the archive
 * bucket, read at the start of scoring and written back after it. A state
 * that cannot be used (another format, as a deploy that changes the format
 * leaves; learned under other detector options, as a changed time zone
 * leaves; or corrupt) is kept aside and the models start afresh, which limits
 * detection until they have warmed up: the run reports that as `warming`.
 */
import { errorMessage } from './error-message';
import { DetectorStateOptionsError, DetectorStateVersionError } from '../detector';
import type { CycleDeps } from './run-cycle';
import type { EmbeddedDetector } from './ports';

/** Detection is limited until `until`, for `reason`. */
export interface DetectorWarming {
  reason: string;
  until: Date;
}

export interface LoadedDetector {
  detector: EmbeddedDetector;
  /** Set when the stored state could not be used and the models started afresh. */
  warming?: DetectorWarming;
}


/**
 * Restores the detector. `warmupMs` is how long fresh models need before they
 * may raise anomalies (`warmupMsOf(options)` of the detector in use).
 */
export async function loadDetector(deps: CycleDeps, key: string, runId: string, now: Date, warmupMs: number): Promise<LoadedDetector> {
  const stored = await deps.store.get(key);
  if (!stored) {
    deps.log.info('no detector state yet: starting fresh models', { key });
    return { detector: deps.detectors.create() };
  }
  try {
    return { detector: deps.detectors.deserialize(stored.body) };
  } catch (e) {
    // Keep the unusable state for inspection instead of overwriting the only copy.
    const aside = key.replace(/\.bin$/, `.unreadable-${runId}.bin`);
    await deps.store.put(aside, stored.body, { contentType: 'application/octet-stream' });
    const reason =
      e instanceof DetectorStateVersionError
        ? `detector state format ${e.found} replaced by ${e.expected}: the embedded models re-learn from scratch`
        : e instanceof DetectorStateOptionsError
          ? `detector options changed (${e.changed.join(', ')}): the embedded models re-learn from scratch`
          : `detector state unreadable (${errorMessage(e)}): the embedded models re-learn from scratch`;
    deps.log.error('detector state unusable: kept aside, starting fresh models', { key, keptAs: aside, error: errorMessage(e) });
    return { detector: deps.detectors.create(), warming: { reason, until: new Date(now.getTime() + warmupMs) } };
  }
}

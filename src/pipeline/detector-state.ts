/**
 * The embedded detector's state between runs: one object in the archive
 * bucket, read at the start of scoring and written back after it.
 */
import type { CycleDeps } from './run-cycle';
import type { EmbeddedDetector } from './ports';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function loadDetector(deps: CycleDeps, key: string, runId: string): Promise<EmbeddedDetector> {
  const stored = await deps.store.get(key);
  if (!stored) {
    deps.log.info('no detector state yet: starting fresh models', { key });
    return deps.detectors.create();
  }
  try {
    return deps.detectors.deserialize(stored.body);
  } catch (e) {
    // Keep the unreadable state for inspection instead of overwriting the only copy.
    const aside = key.replace(/\.bin$/, `.unreadable-${runId}.bin`);
    await deps.store.put(aside, stored.body, { contentType: 'application/octet-stream' });
    deps.log.error('detector state unreadable: kept aside, starting fresh models', { key, keptAs: aside, error: message(e) });
    return deps.detectors.create();
  }
}


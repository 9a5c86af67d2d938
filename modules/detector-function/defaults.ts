/** Defaults for the detector function; environment config overrides them. */
export const FUNCTION_DEFAULTS = {
  runtime: 'nodejs22.x',
  handler: 'index.handler',
  memoryMb: 1024,
  timeoutSeconds: 240,
  architecture: 'arm64' as 'arm64' | 'x86_64',
  logRetentionDays: 30,
  /** Two runs must never overlap: they share cooldown state and the detector's model. */
  reservedConcurrency: 1,
  /** A failed scheduled run is retried once; the next schedule tick is the real retry. */
  maxAsyncRetries: 1,
  /** Older than two schedule periods, a run's data is stale: send it to the dead-letter queue instead. */
  maxEventAgeSeconds: 600,
  /** Lambda's limit on all environment variables together is 4 KB. */
  environmentLimitBytes: 4096,
} as const;

/** Secure, cost-aware defaults for the metric archive; props override them, never the reverse. */
export const ARCHIVE_DEFAULTS = {
  /** Athena queries touch recent history; older batches are kept for retraining at IA prices. */
  transitionToInfrequentAccessDays: 30,
  expireAfterDays: 400,
  noncurrentExpireAfterDays: 30,
  abortIncompleteUploadDays: 7,
  accessLogExpireAfterDays: 365,
  preventDestroy: false,
} as const;

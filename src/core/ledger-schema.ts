/**
 * The action ledger's stored shape, as zod/mini schemas: the types are derived
 * from them, so what is read is exactly what the code expects.
 */
import * as z from 'zod/mini';

export const LEDGER_VERSION = 2;

const iso = z.iso.datetime();
const count = z.number().check(z.int(), z.minimum(0));
const severity = z.enum(['warning', 'critical']);
const mode = z.enum(['desired-count', 'min-capacity']);

/** How a scale-out is made: the ECS desired count, or the minimum of the service's auto-scaling target. */
export type ScaleMode = z.output<typeof mode>;

const scaleRecord = z.object({
  at: iso,
  cluster: z.string(),
  service: z.string(),
  action: z.enum(['scale-out', 'restore']),
  from: count,
  to: count,
  mode,
  status: z.enum(['reserved', 'done', 'failed', 'dry-run']),
});
export type ScaleRecord = z.output<typeof scaleRecord>;
export type ScaleStatus = ScaleRecord['status'];

/** Capacity this detector raised and will give back when the incident is over. */
const raisedCapacity = z.object({
  cluster: z.string(),
  service: z.string(),
  mode,
  /** The value before the first raise of this incident: what a restore returns to. */
  from: count,
  /** The value we last wrote: if the service no longer shows it, a person changed it and wins. */
  to: count,
  at: iso,
  /** Recorded by a dry run: nothing was changed, so a restore is only reported. */
  dryRun: z.boolean(),
  /** Giving it back failed and that was alerted (once: later failures only mark their runs degraded). */
  restoreFailureNotified: z.optional(z.boolean()),
});
export type RaisedCapacity = z.output<typeof raisedCapacity>;

/** One service's incident: alerted when it opens, escalates and resolves, never in between. */
const incident = z.object({
  cluster: z.string(),
  service: z.string(),
  openedAt: iso,
  lastSeenAt: iso,
  severity,
  /** A failed action was already alerted for this incident. */
  actionFailureNotified: z.boolean(),
  /** Containers whose anomalies this incident raised (the first few): it cannot resolve while one of them is still unusual. */
  containers: z.optional(z.array(z.string())),
  /** The quiet period counts from here: the last run that did not see it clear, or the first after a stretch without data. */
  clearSince: z.optional(iso),
  /** The last run that saw the service's samples. */
  checkedAt: z.optional(iso),
});
export type Incident = z.output<typeof incident>;

/**
 * A change of an incident (opened, escalated, resolved), or capacity that could
 * not be given back after it (restore-failed), not yet alerted. Kept in
 * the ledger until a run publishes it: a run that dies between recording the
 * change and publishing it loses no page, whichever run comes next sends it.
 */
const transition = z.object({
  kind: z.enum(['opened', 'escalated', 'resolved', 'restore-failed']),
  key: z.string(),
  cluster: z.string(),
  service: z.string(),
  severity,
  reason: z.string(),
});
export type Transition = z.output<typeof transition>;

/**
 * The message a run published, or (`messageId: 'pending'`) is publishing, with
 * what it reports until it is confirmed: a run that dies while publishing
 * leaves them to be sent again.
 */
const sentAlert = z.object({ messageId: z.string(), at: iso, unconfirmed: z.optional(z.array(transition)) });

/** A degraded mode of the detector itself, alerted once. */
const warmingNotice = z.object({
  reason: z.string(),
  since: iso,
  /** Detection is limited until then (the embedded models' warm-up). */
  until: iso,
  notified: z.boolean(),
});
const ledgerResetNotice = z.object({ at: iso, keptAs: z.string(), problem: z.string(), notified: z.boolean() });

export const ledgerSchema = z.object({
  version: z.literal(LEDGER_VERSION),
  /** Service key → when it was last scaled out (ISO), for the cooldown. */
  lastScaledAt: z.record(z.string(), iso),
  /** `<runKey>|<serviceKey>` → the action made for that run: a retried run finds it and does nothing. */
  scaleActions: z.record(z.string(), scaleRecord),
  /** Service key → capacity to give back. */
  raised: z.record(z.string(), raisedCapacity),
  /** Service key → its open incident. */
  incidents: z.record(z.string(), incident),
  /** Run key → the SNS message it published: at most one message per run, even when retried. */
  alertsByRun: z.record(z.string(), sentAlert),
  notices: z.object({ warming: z.optional(warmingNotice), ledgerReset: z.optional(ledgerResetNotice) }),
  /** Incident changes waiting for a message (absent from ledgers written before it existed). */
  pendingAlerts: z._default(z.array(transition), []),
});
export type ActionLedger = z.output<typeof ledgerSchema>;

/** Version 1, as earlier releases wrote it: read only to migrate it forward. */
export const ledgerV1Schema = z.object({
  version: z.literal(1),
  lastScaledAt: z._default(z.record(z.string(), iso), {}),
  alertsByRun: z._default(z.record(z.string(), z.object({ messageId: z.string(), at: iso })), {}),
});

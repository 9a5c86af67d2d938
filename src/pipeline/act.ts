/**
 * Step 5 of a cycle: scale out the services whose anomalies call for it, give
 * back earlier scale-outs whose incident is over, and alert at most once per
 * run, on incident transitions only. The ledger in the archive bucket makes
 * all of it idempotent across retries and concurrent runs.
 */
import { blindIncidents, escalateFailures, markNotices, pendingNotices, planAlert, reclaimUnconfirmed, updateIncidents, type ActionOutcome, type Transition } from '../core/alerting';
import type { Notice } from '../core/alert-message';
import { pruneLedger, serviceKey, type ActionLedger } from '../core/ledger';
import type { Anomaly } from '../core/model';
import { planScaling, restoreCandidates, scaleCandidates, type ObservedService } from '../core/scaling';
import { archiveKeys } from '../config/naming';
import { readLedger, resetUnreadableLedger, updateLedger, type LedgerLocation } from './ledger-store';
import { errorMessage } from './error-message';
import { execute, reserve, settle } from './scale-actions';
import type { DetectorWarming } from './detector-state';
import type { CycleDeps, CycleOptions } from './run-cycle';

const DEFAULT_LEDGER_RETENTION_MS = 7 * 24 * 3600_000;

export interface ActResult {
  actions: ActionOutcome[];
  alertMessageId?: string;
  failures: number;
  /** The ledger was unreadable and had to be started afresh (its copy is kept aside). */
  ledgerReset: boolean;
  /** Set while detection is limited because the embedded models are re-learning. */
  warmingUntil?: string;
  /** Open incidents whose service has been missing from the data for a while (see `blindIncidents`). */
  blindIncidents: number;
}

/** What the rest of the run knows that acting needs. */
export interface ActContext {
  /** This run's archive key: a truncated alert's full list is written beside it. */
  archiveKey: string;
  /** Set when this run had to start the embedded models afresh. */
  warming?: DetectorWarming;
  /** Service keys (`<cluster>/<service>`) scored in this run: only those can be seen to be healthy again. */
  seen: ReadonlySet<string>;
  /** Container ids still in an unusual stretch: an incident they raised is not over. */
  unusual: ReadonlySet<string>;
}

/** Records a new warm-up (the later `until` wins) and forgets one that has ended. */
function trackWarming(ledger: ActionLedger, warming: DetectorWarming | undefined, now: Date): void {
  const current = ledger.notices.warming;
  if (warming && (!current || Date.parse(current.until) < warming.until.getTime())) {
    ledger.notices.warming = { reason: warming.reason, since: now.toISOString(), until: warming.until.toISOString(), notified: false };
  } else if (current && Date.parse(current.until) <= now.getTime()) {
    delete ledger.notices.warming;
  }
}

async function describeAll(deps: CycleDeps, keys: readonly string[], byKey: ReadonlyMap<string, { cluster: string; name: string }>) {
  const observed = new Map<string, ObservedService>();
  const errors = new Map<string, string>();
  await Promise.all(
    keys.map(async (key) => {
      const [cluster, ...rest] = key.split('/');
      const service = byKey.get(key) ?? { cluster, name: rest.join('/') };
      try {
        observed.set(key, await deps.scaler.describe(service.cluster, service.name));
      } catch (e) {
        errors.set(key, errorMessage(e));
        deps.log.error('could not describe service', { cluster: service.cluster, service: service.name, error: errorMessage(e) });
      }
    }),
  );
  return { observed, errors };
}

/** Scales, restores and alerts. A failure for one service never stops the others. */
export async function act(deps: CycleDeps, options: CycleOptions, anomalies: Anomaly[], now: Date, context: ActContext): Promise<ActResult> {
  const { log } = deps;
  const loc: LedgerLocation = { store: deps.store, key: archiveKeys.actionLedger(options.environment), services: options.scaling.services };
  const retention = options.ledgerRetentionMs ?? DEFAULT_LEDGER_RETENTION_MS;
  const quietMs = options.suppressionMinutes * 60_000;
  const sightings = { services: context.seen, unusual: context.unusual };

  const ledgerProblem = await resetUnreadableLedger(loc, options.runId, now);
  if (ledgerProblem) log.error('action ledger unreadable: kept aside, started afresh', { key: loc.key, problem: ledgerProblem });

  // Describe only what this run may touch: configured services with saturation, and scale-outs due back.
  const preview = await readLedger(loc);
  updateIncidents(preview, anomalies, now, quietMs, sightings);
  const due = restoreCandidates(preview, options.scaling, now, context.seen).filter((k) => !preview.raised[k].dryRun);
  const byKey = new Map(options.scaling.services.map((s) => [serviceKey(s.cluster, s.name), s]));
  const keys = [...new Set([...scaleCandidates(anomalies, options.scaling), ...due])].sort();
  const { observed, errors } = await describeAll(deps, keys, byKey);

  const reserved = await updateLedger(loc, (ledger) => {
    trackWarming(ledger, context.warming, now);
    // Recorded with the incidents they change, so they are alerted even if this run dies before it publishes.
    const own = updateIncidents(ledger, anomalies, now, quietMs, sightings);
    ledger.pendingAlerts.push(...own);
    const plan = planScaling({ anomalies, observed, seen: context.seen, config: options.scaling, ledger, runKey: options.runKey, now });
    const previous = reserve(ledger, plan, options.runKey, options.dryRun, now);
    return { ledger: pruneLedger(ledger, now, retention), result: { plan, previous, own } };
  });
  const { plan, previous } = reserved;

  const executed = await execute(deps.scaler, log, plan, options.dryRun);
  const actions: ActionOutcome[] = plan.skipped.map((s) => {
    const error = errors.get(serviceKey(s.cluster, s.service));
    if (s.reason !== 'describe-failed') return { cluster: s.cluster, service: s.service, outcome: 'skipped', reason: s.reason };
    // Not described at all: a concurrent run made it due after our look at the ledger. The next run sees it in time.
    if (error === undefined) return { cluster: s.cluster, service: s.service, outcome: 'skipped', reason: 'due-since-read' };
    return { cluster: s.cluster, service: s.service, outcome: 'failed', reason: `describe failed: ${error}` };
  });
  actions.push(...executed.map((e) => e.outcome));
  const failed = actions.filter((a) => a.outcome === 'failed');

  const fullListKey = context.archiveKey.replace(/\.jsonl\.gz$/, '.alert.json');
  const decided = await updateLedger(loc, (ledger) => {
    settle(ledger, executed, previous, options.runKey);
    ledger.pendingAlerts.push(...escalateFailures(ledger, failed));
    reclaimUnconfirmed(ledger, now);
    // Every change not yet alerted, this run's and any a run that died left behind: whoever publishes first takes them.
    const transitions: Transition[] = ledger.pendingAlerts;
    const notices = pendingNotices(ledger);
    // This run's anomalies belong to its own firing transitions, named as this run saw them.
    const about = new Set(reserved.own.filter((t) => t.kind !== 'resolved').map((t) => t.key));
    const message = planAlert({ ...options, transitions, notices, anomalies, actions, ledger, now, fullListKey, about });
    if (message) {
      ledger.pendingAlerts = [];
      markNotices(ledger, notices, true);
      ledger.alertsByRun[options.runKey] = { messageId: 'pending', at: now.toISOString(), unconfirmed: transitions };
    }
    return { ledger, result: { message, transitions, notices, warmingUntil: ledger.notices.warming?.until, blind: blindIncidents(ledger, now, quietMs) } };
  });

  const result: ActResult = { actions, failures: failed.length, ledgerReset: ledgerProblem !== undefined, warmingUntil: decided.warmingUntil, blindIncidents: decided.blind };
  if (!decided.message) return result;
  const { message } = decided;
  try {
    if (message.fullList) await deps.store.put(fullListKey, new TextEncoder().encode(message.fullList), { contentType: 'application/json' });
    const messageId = await deps.alerter.publish({
      subject: message.subject,
      body: message.body,
      attributes: { environment: options.environment, severity: message.severity, status: message.status },
    });
    await updateLedger(loc, (ledger) => {
      ledger.alertsByRun[options.runKey] = { messageId, at: now.toISOString() };
      return { ledger, result: undefined };
    });
    log.info('alert published', { messageId, subject: message.subject });
    return { ...result, alertMessageId: messageId };
  } catch (e) {
    log.error('alert could not be published: released for the next run', { error: errorMessage(e) });
    await releaseAlert(loc, options.runKey, decided.transitions, decided.notices);
    return { ...result, failures: result.failures + 1 };
  }
}

/** Puts back what the unsent alert would have reported, so the next run reports it. */
async function releaseAlert(loc: LedgerLocation, runKey: string, transitions: readonly Transition[], notices: readonly Notice[]): Promise<void> {
  await updateLedger(loc, (ledger) => {
    delete ledger.alertsByRun[runKey];
    ledger.pendingAlerts = [...transitions, ...ledger.pendingAlerts];
    markNotices(ledger, notices, false);
    return { ledger, result: undefined };
  });
}

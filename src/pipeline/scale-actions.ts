/**
 * Carries out a scaling plan against ECS / Application Auto Scaling, and the
 * ledger bookkeeping around it. Every write is preceded by a fresh read: if
 * the value moved since the plan (a person, a deploy, the auto scaler), the
 * write is skipped and reported, so the run never undoes someone's change.
 * Capacity to give back stays in the ledger until a restore is known to have
 * happened (or been overtaken by a person): a run that dies half-way leaves it
 * for the next run, which finds it either still to do or already done.
 */
import type { ActionOutcome } from '../core/alerting';
import { scaleKey, type ActionLedger, type RaisedCapacity, type ScaleMode } from '../core/ledger';
import { currentValue, type Restore, type ScaleOut, type ScalingPlan } from '../core/scaling';
import { errorMessage } from './error-message';
import type { Log, ServiceScaler } from './ports';

/** What the ledger held for a service before this run reserved its action: put back if the action does not happen. */
export interface Previous {
  lastScaledAt?: string;
  raised?: RaisedCapacity;
}

/**
 * What there is to give back after scale-out `s`. The first raise of an
 * incident remembers where it started; a later one only moves the value we
 * expect to see (a service a person changed since is not raised again: see
 * `planScaling`). A dry run writes nothing, so it never moves a real raise's
 * expected value, and a real raise replaces a dry run's record (which said
 * nothing was changed).
 */
function nextRaised(earlier: RaisedCapacity | undefined, s: ScaleOut, dryRun: boolean, at: string): RaisedCapacity {
  const fresh: RaisedCapacity = { cluster: s.cluster, service: s.service, mode: s.mode, from: s.from, to: s.to, at, dryRun };
  if (!earlier) return fresh;
  if (dryRun) return earlier.dryRun ? { ...earlier, to: s.to } : earlier;
  if (earlier.dryRun) return fresh;
  // A new raise is a new thing to give back: a failure to give it back is news again.
  const { restoreFailureNotified: _alerted, ...kept } = earlier;
  return { ...kept, to: s.to };
}

/**
 * Records the plan in the ledger before acting (whoever wins the conditional
 * write acts): scale-outs hold the cooldown and extend the capacity to give
 * back; restores are recorded, and take it off only once settled. Returns
 * what each scaled-out key held before.
 */
export function reserve(ledger: ActionLedger, plan: ScalingPlan, runKey: string, dryRun: boolean, now: Date): Map<string, Previous> {
  const at = now.toISOString();
  const previous = new Map<string, Previous>();
  for (const s of plan.scaleOuts) {
    const earlier = ledger.raised[s.key];
    previous.set(s.key, { lastScaledAt: ledger.lastScaledAt[s.key], raised: earlier });
    ledger.scaleActions[scaleKey(runKey, s.key)] = { at, cluster: s.cluster, service: s.service, action: 'scale-out', from: s.from, to: s.to, mode: s.mode, status: dryRun ? 'dry-run' : 'reserved' };
    ledger.lastScaledAt[s.key] = at;
    ledger.raised[s.key] = nextRaised(earlier, s, dryRun, at);
  }
  for (const r of plan.restores) {
    // A dry run never gives back a real scale-out: it reports it and keeps it for when it acts again.
    if (dryRun && !r.dryRun) continue;
    ledger.scaleActions[scaleKey(runKey, r.key)] = { at, cluster: r.cluster, service: r.service, action: 'restore', from: r.expected, to: r.to, mode: r.mode, status: r.dryRun ? 'dry-run' : 'reserved' };
  }
  return previous;
}

export interface Executed {
  key: string;
  action: 'scale-out' | 'restore';
  outcome: ActionOutcome;
}

/** Settles the ledger after acting: done stays done; what did not happen is put back as it was. */
export function settle(ledger: ActionLedger, executed: readonly Executed[], previous: ReadonlyMap<string, Previous>, runKey: string): void {
  for (const e of executed) {
    const record = ledger.scaleActions[scaleKey(runKey, e.key)];
    if (!record) continue;
    if (e.action === 'restore' && e.outcome.outcome !== 'failed') {
      // Given back, reported (dry run) or a person's now: nothing left to give back, unless raised again meanwhile.
      if (ledger.raised[e.key]?.to === record.from) delete ledger.raised[e.key];
    }
    const happened = !['failed', 'skipped', 'left-as-changed'].includes(e.outcome.outcome);
    if (happened) {
      if (record.status === 'reserved') record.status = 'done';
      continue;
    }
    const before = previous.get(e.key) ?? {};
    delete ledger.scaleActions[scaleKey(runKey, e.key)];
    if (e.action === 'scale-out') {
      // A scale-out that did not happen must not hold the cooldown: the next run may try again.
      if (before.lastScaledAt) ledger.lastScaledAt[e.key] = before.lastScaledAt;
      else delete ledger.lastScaledAt[e.key];
      if (before.raised) ledger.raised[e.key] = before.raised;
      else delete ledger.raised[e.key];
    }
    // A failed restore left the capacity in the ledger: the next run tries again; the failure is alerted once.
  }
}

/** Writes `to` only if the service still shows `expected` (read right now); otherwise says what it shows. */
async function writeIfUnchanged(
  scaler: ServiceScaler,
  t: { cluster: string; service: string; mode: ScaleMode; expected: number; to: number },
): Promise<{ written: true } | { written: false; now: number | undefined }> {
  const now = currentValue(t.mode, await scaler.describe(t.cluster, t.service));
  if (now !== t.expected) return { written: false, now };
  if (t.mode === 'min-capacity') await scaler.setMinCapacity(t.cluster, t.service, t.to);
  else await scaler.setDesiredCount(t.cluster, t.service, t.to);
  return { written: true };
}

async function scaleOut(scaler: ServiceScaler, log: Log, s: ScaleOut): Promise<ActionOutcome> {
  const base = { cluster: s.cluster, service: s.service, from: s.from, to: s.to };
  try {
    const write = await writeIfUnchanged(scaler, { ...s, expected: s.from });
    if (!write.written) {
      log.warn('scale-out skipped: the service changed since it was read', { ...s, now: write.now });
      return { ...base, outcome: 'skipped', reason: `changed-since-read: ${s.mode} is now ${write.now ?? 'unset'}` };
    }
    log.info('scaled out', { ...s });
    return { ...base, outcome: s.mode === 'min-capacity' ? 'min-capacity-raised' : 'scaled' };
  } catch (e) {
    log.error('scale-out failed', { cluster: s.cluster, service: s.service, error: errorMessage(e) });
    return { ...base, outcome: 'failed', reason: errorMessage(e) };
  }
}

async function restore(scaler: ServiceScaler, log: Log, r: Restore): Promise<ActionOutcome> {
  const base = { cluster: r.cluster, service: r.service, from: r.expected, to: r.to };
  try {
    const write = await writeIfUnchanged(scaler, r);
    if (!write.written && write.now === r.to) {
      // An earlier run wrote it and stopped before recording that.
      log.info('capacity already given back', { ...r });
      return { ...base, outcome: 'restored', reason: r.mode };
    }
    if (!write.written) {
      // Someone else set it since our scale-out: theirs is the decision now.
      log.warn('not restored: the service was changed by someone else since the scale-out', { ...r, now: write.now });
      return { ...base, outcome: 'left-as-changed', reason: `${r.mode} is ${write.now ?? 'unset'}, not the ${r.expected} we set: left as is` };
    }
    log.info('restored capacity after the incident', { ...r });
    return { ...base, outcome: 'restored', reason: r.mode };
  } catch (e) {
    log.error('restore failed', { cluster: r.cluster, service: r.service, error: errorMessage(e) });
    return { ...base, outcome: 'failed', reason: `restore failed: ${errorMessage(e)}` };
  }
}

/** Executes the plan; one service's failure never stops the others. Dry run reports and changes nothing. */
export async function execute(scaler: ServiceScaler, log: Log, plan: ScalingPlan, dryRun: boolean): Promise<Executed[]> {
  const outs = plan.scaleOuts.map(async (s): Promise<Executed> => {
    if (dryRun) {
      log.info('dry run: would scale out', { ...s });
      return { key: s.key, action: 'scale-out', outcome: { cluster: s.cluster, service: s.service, from: s.from, to: s.to, outcome: 'would-scale', reason: s.mode } };
    }
    return { key: s.key, action: 'scale-out', outcome: await scaleOut(scaler, log, s) };
  });
  const backs = plan.restores.map(async (r): Promise<Executed> => {
    if (dryRun || r.dryRun) {
      log.info('dry run: would restore capacity', { ...r });
      return { key: r.key, action: 'restore', outcome: { cluster: r.cluster, service: r.service, from: r.expected, to: r.to, outcome: 'would-restore', reason: r.mode } };
    }
    return { key: r.key, action: 'restore', outcome: await restore(scaler, log, r) };
  });
  return Promise.all([...outs, ...backs]);
}

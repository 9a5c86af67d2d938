/**
 * Step 5 of a cycle: scale the services whose anomalies call for it, then
 * alert once per run. The ledger in the archive bucket makes both idempotent
 * across retries and concurrent runs.
 */
import { planAlert, type ActionOutcome } from '../core/alerting';
import { pruneLedger, scaleKey, type ScaleStatus } from '../core/ledger';
import type { Anomaly } from '../core/model';
import type { ObservedService, ScaleOut, ScalingPlan } from '../core/scaling';
import { planScaling } from '../core/scaling';
import { archiveKeys } from '../config/naming';
import { updateLedger } from './ledger-store';
import type { CycleDeps, CycleOptions } from './run-cycle';

const DEFAULT_LEDGER_RETENTION_MS = 7 * 24 * 3600_000;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export interface ActResult {
  actions: ActionOutcome[];
  alertMessageId?: string;
  failures: number;
}

/** Scales and alerts. A failure for one service never stops the others. */
export async function act(deps: CycleDeps, options: CycleOptions, anomalies: Anomaly[], now: Date): Promise<ActResult> {
  const { log } = deps;
  const ledgerKey = archiveKeys.actionLedger(options.environment);
  const retention = options.ledgerRetentionMs ?? DEFAULT_LEDGER_RETENTION_MS;
  let failures = 0;

  // Describe only allow-listed services with scalable anomalies.
  const allowed = new Set(options.scaling.services.map((s) => s.name));
  const candidates = [...new Set(anomalies.filter((a) => a.kind === 'saturation' && allowed.has(a.service)).map((a) => a.service))].sort();
  const observed = new Map<string, ObservedService>();
  await Promise.all(
    candidates.map(async (service) => {
      try {
        observed.set(service, await deps.scaler.describe(options.scaling.cluster, service));
      } catch (e) {
        failures++;
        log.error('could not describe service', { service, error: message(e) });
      }
    }),
  );

  // Reserve the scale-outs in the ledger first: whoever wins the conditional write acts.
  const plan: ScalingPlan = await updateLedger(deps.store, ledgerKey, (ledger) => {
    const p = planScaling({ anomalies, observed, config: options.scaling, ledger, runKey: options.runKey, now });
    const status: ScaleStatus = options.dryRun ? 'dry-run' : 'reserved';
    for (const s of p.scaleOuts) {
      ledger.scaleActions[scaleKey(options.runKey, s.service)] = { at: now.toISOString(), service: s.service, from: s.from, to: s.to, mode: s.mode, status };
      if (!options.dryRun) ledger.lastScaledAt[s.service] = now.toISOString();
    }
    return { ledger: pruneLedger(ledger, now, retention), result: p };
  });

  const actions: ActionOutcome[] = plan.skipped.map((s) => ({ service: s.service, outcome: 'skipped', reason: s.reason }));
  const results = await Promise.all(plan.scaleOuts.map((s) => scaleOne(deps, options.dryRun, s)));
  actions.push(...results);
  const failedScales = results.filter((r) => r.outcome === 'failed');
  failures += failedScales.length;

  // Alert once per run, then record what was alerted and how each scale-out ended.
  const alert = await updateLedger(deps.store, ledgerKey, (ledger) => {
    for (const r of results) {
      const record = ledger.scaleActions[scaleKey(options.runKey, r.service)];
      if (!record) continue;
      if (r.outcome === 'failed') {
        // A failed scale-out must not hold the cooldown: the next run may try again.
        delete ledger.scaleActions[scaleKey(options.runKey, r.service)];
        delete ledger.lastScaledAt[r.service];
      } else if (record.status === 'reserved') {
        record.status = 'done';
      }
    }
    const p = planAlert({
      environment: options.environment,
      runId: options.runId,
      runKey: options.runKey,
      anomalies,
      actions,
      ledger,
      suppressionMinutes: options.suppressionMinutes,
      now,
    });
    if (p.message) {
      for (const key of p.alertedKeys) ledger.alerted[key] = now.toISOString();
      ledger.alertsByRun[options.runKey] = { messageId: 'pending', at: now.toISOString() };
    }
    return { ledger, result: p };
  });

  if (!alert.message) return { actions, failures };
  try {
    const messageId = await deps.alerter.publish({
      subject: alert.message.subject,
      body: alert.message.body,
      attributes: { environment: options.environment, severity: alert.message.severity },
    });
    await updateLedger(deps.store, ledgerKey, (ledger) => {
      ledger.alertsByRun[options.runKey] = { messageId, at: now.toISOString() };
      return { ledger, result: undefined };
    });
    log.info('alert published', { messageId, subject: alert.message.subject });
    return { actions, alertMessageId: messageId, failures };
  } catch (e) {
    log.error('alert could not be published: released for the next run', { error: message(e) });
    await updateLedger(deps.store, ledgerKey, (ledger) => {
      delete ledger.alertsByRun[options.runKey];
      for (const key of alert.alertedKeys) delete ledger.alerted[key];
      return { ledger, result: undefined };
    });
    return { actions, failures: failures + 1 };
  }
}

async function scaleOne(deps: CycleDeps, dryRun: boolean, s: ScaleOut): Promise<ActionOutcome> {
  const base = { service: s.service, from: s.from, to: s.to };
  if (dryRun) {
    deps.log.info('dry run: would scale out', { ...s });
    return { ...base, outcome: 'would-scale', reason: s.mode };
  }
  try {
    if (s.mode === 'min-capacity') await deps.scaler.raiseMinCapacity(s.cluster, s.service, s.to, s.maxCapacity);
    else await deps.scaler.setDesiredCount(s.cluster, s.service, s.to);
    deps.log.info('scaled out', { ...s });
    return { ...base, outcome: s.mode === 'min-capacity' ? 'min-capacity-raised' : 'scaled' };
  } catch (e) {
    deps.log.error('scale-out failed', { service: s.service, error: message(e) });
    return { ...base, outcome: 'failed', reason: message(e) };
  }
}

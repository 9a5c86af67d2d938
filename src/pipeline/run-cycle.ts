/**
 * One detection cycle: collect → merge → archive → score → decide → act.
 * Every edge (sources, storage, scorer, ECS, SNS, logs, metrics, clock) is a
 * port, so the Lambda, the local run and the tests run this same code.
 */
import { createHash } from 'node:crypto';
import { decideAnomalies, DEFAULT_SEVERITY_POLICY, type SeverityPolicy } from '../core/policy';
import { addDropCounts, mergeSamples } from '../core/merge';
import { planScaling, type ObservedService, type ScaleOut, type ScalingConfig, type ScalingPlan } from '../core/scaling';
import { planAlert, type ActionOutcome } from '../core/alerting';
import { pruneLedger, scaleKey, type ScaleStatus } from '../core/ledger';
import type { Anomaly, ContainerSample, ContainerScore, DropCounts, PartialSample, ScorerName, SourceName } from '../core/model';
import type { Deadline, MetricSource, SourceBatch } from '../core/ports';
import { archiveKeys, detectorMetrics } from '../config/naming';
import { encodeArchive } from './archive';
import { updateLedger } from './ledger-store';
import { scoreBatch } from './scoring';
import type { Alerter, Clock, EmbeddedDetector, EmbeddedDetectorFactory, Log, ObjectStore, RemoteScorer, RunMetrics, ServiceScaler } from './ports';

/** A slice of the fleet, so many invocations can share one environment. */
export interface Shard {
  index: number;
  count: number;
}

export interface CycleDeps {
  sources: readonly MetricSource[];
  /** Archive bucket (or local folder): metric batches, detector state, action ledger. */
  store: ObjectStore;
  detectors: EmbeddedDetectorFactory;
  remoteScorer?: RemoteScorer;
  scaler: ServiceScaler;
  alerter: Alerter;
  log: Log;
  metrics: RunMetrics;
  clock: Clock;
  /** Sees every scored batch (the local run draws its report from it). */
  observer?: (batch: { samples: readonly ContainerSample[]; scores: readonly ContainerScore[]; anomalies: readonly Anomaly[]; actions: readonly ActionOutcome[] }) => void;
}

export interface CycleOptions {
  environment: string;
  runId: string;
  /** Idempotency key: the scheduler's event id, identical when a run is retried. */
  runKey: string;
  deadline: Deadline;
  lookbackMinutes: number;
  scaling: ScalingConfig;
  dryRun: boolean;
  suppressionMinutes: number;
  shard?: Shard;
  severityPolicy?: SeverityPolicy;
  /** Containers unseen for this long are forgotten by the detector. */
  detectorMaxIdleMs?: number;
  /** Ledger entries older than this are dropped. */
  ledgerRetentionMs?: number;
}

export interface RunSummary {
  runId: string;
  environment: string;
  containers: number;
  anomalies: number;
  actions: number;
  degraded: boolean;
  scorer: ScorerName;
  fallbackReason?: string;
  archiveKey: string;
  dropped: DropCounts;
  sourceErrors: Array<{ source: SourceName; message: string }>;
  alertMessageId?: string;
  anomalyDetails: Anomaly[];
  actionDetails: ActionOutcome[];
  durationsMs: Record<'collect' | 'archive' | 'score' | 'act', number>;
}

/** The run cannot do its job; thrown after whatever was collected is archived. */
export class RunFailedError extends Error {
  constructor(message: string, readonly archiveKey?: string) {
    super(message);
    this.name = 'RunFailedError';
  }
}

const DEFAULT_MAX_IDLE_MS = 7 * 24 * 3600_000;
const DEFAULT_LEDGER_RETENTION_MS = 7 * 24 * 3600_000;
/** At most this many anomalies are listed in the returned summary (the archive and alert hold them all). */
const SUMMARY_ANOMALY_LIMIT = 50;

export function inShard(containerId: string, shard: Shard | undefined): boolean {
  if (!shard || shard.count <= 1) return true;
  return createHash('sha1').update(containerId).digest().readUInt32BE(0) % shard.count === shard.index;
}

export function stateKeyFor(environment: string, shard: Shard | undefined): string {
  const key = archiveKeys.detectorState(environment);
  return shard && shard.count > 1 ? key.replace(/\.bin$/, `-${shard.index}-of-${shard.count}.bin`) : key;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, Math.round(performance.now() - start)];
}

async function loadDetector(deps: CycleDeps, key: string, runId: string): Promise<EmbeddedDetector> {
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

/** Runs one cycle and returns its summary; throws {@link RunFailedError} when no source answered. */
export async function runCycle(deps: CycleDeps, options: CycleOptions): Promise<RunSummary> {
  const { log, metrics, clock } = deps;
  const env = options.environment;
  const now = clock.now();
  const window = { earliest: new Date(now.getTime() - options.lookbackMinutes * 60_000), latest: now };
  const names = detectorMetrics.names;

  // 1. Collect from every source at once; one failing source degrades the run, both fail it.
  const [settled, collectMs] = await timed(() => Promise.allSettled(deps.sources.map((s) => s.collect(window, options.deadline))));
  const batches: SourceBatch[] = [];
  const sourceErrors: RunSummary['sourceErrors'] = [];
  settled.forEach((r, i) => {
    const source = deps.sources[i].name;
    if (r.status === 'fulfilled') {
      batches.push(r.value);
      if (r.value.recoveredFromRotation) log.info('credential was rotated: re-read from Vault and recovered', { source, secretVersion: r.value.secretVersion });
    } else {
      sourceErrors.push({ source, message: message(r.reason) });
      log.error('metric source failed', { source, error: message(r.reason) });
    }
  });
  metrics.add(names.sourceErrors, 'Count', sourceErrors.length);

  // 2. Merge and keep this shard's containers.
  const partials: PartialSample[] = batches.flatMap((b) => b.samples.filter((p) => inShard(p.containerId, options.shard)));
  const merged = mergeSamples(partials);
  const dropped = batches.reduce((acc, b) => addDropCounts(acc, b.dropped), { ...merged.dropped });
  const samples = merged.samples;
  const droppedTotal = Object.values(dropped).reduce((a, b) => a + (b ?? 0), 0);
  metrics.add(names.rowsDropped, 'Count', droppedTotal);
  if (droppedTotal) log.warn('rows dropped as invalid', { dropped });

  // 3. Archive before anything else can fail; an archive failure fails the run loudly.
  const archiveKey = archiveKeys.metricsBatch(env, now, options.runId);
  const [, archiveMs] = await timed(async () =>
    deps.store.put(
      archiveKey,
      await encodeArchive({
        environment: env,
        runId: options.runId,
        collectedAt: now.toISOString(),
        window: { earliest: window.earliest.toISOString(), latest: window.latest.toISOString() },
        raw: batches.map((b) => ({ source: b.source, rows: b.rawRows })),
        samples,
        dropped,
        sourceErrors,
      }),
      { contentType: 'application/x-ndjson', contentEncoding: 'gzip' },
    ),
  );
  log.info('batch archived', { archiveKey, containers: samples.length, sources: batches.map((b) => b.source) });
  if (batches.length === 0 && deps.sources.length > 0) {
    throw new RunFailedError(`every metric source failed: ${sourceErrors.map((e) => `${e.source}: ${e.message}`).join('; ')}`, archiveKey);
  }
  const degraded = sourceErrors.length > 0;

  // 4. Score: the embedded detector always learns; the remote model decides when it is healthy.
  const stateKey = stateKeyFor(env, options.shard);
  const [scored, scoreMs] = await timed(async () => {
    const detector = await loadDetector(deps, stateKey, options.runId);
    const result = await scoreBatch(samples, detector, deps.remoteScorer, options.deadline);
    detector.prune(now.getTime(), options.detectorMaxIdleMs ?? DEFAULT_MAX_IDLE_MS);
    await deps.store.put(stateKey, detector.serialize(), { contentType: 'application/octet-stream' });
    return result;
  });
  if (scored.fallbackReason) {
    log.warn('remote model unavailable: scored with the embedded detector', { reason: scored.fallbackReason });
    metrics.add(names.scorerFallbacks, 'Count', 1);
  }
  metrics.add(names.containersScored, 'Count', samples.length);

  // 5. Decide and act.
  const anomalies = decideAnomalies(samples, scored.scores, options.severityPolicy ?? DEFAULT_SEVERITY_POLICY);
  metrics.add(names.anomalies, 'Count', anomalies.length);
  for (const a of anomalies) log.info('anomaly', { ...a });
  const [acted, actMs] = await timed(() => act(deps, options, anomalies, now));
  metrics.add(names.scaleActions, 'Count', acted.actions.filter((a) => a.outcome === 'scaled' || a.outcome === 'min-capacity-raised').length);
  metrics.add(names.alertsPublished, 'Count', acted.alertMessageId ? 1 : 0);

  deps.observer?.({ samples, scores: scored.scores, anomalies, actions: acted.actions });
  const durationsMs = { collect: collectMs, archive: archiveMs, score: scoreMs, act: actMs };
  metrics.add(names.collectMs, 'Milliseconds', collectMs);
  metrics.add(names.archiveMs, 'Milliseconds', archiveMs);
  metrics.add(names.scoreMs, 'Milliseconds', scoreMs);
  metrics.add(names.actMs, 'Milliseconds', actMs);
  const runDegraded = degraded || acted.failures > 0;
  // A degraded run still completed: the heartbeat counts it, the degraded metric tells them apart.
  metrics.add(names.successfulRuns, 'Count', 1);
  metrics.add(names.degradedRuns, 'Count', runDegraded ? 1 : 0);

  const summary: RunSummary = {
    runId: options.runId,
    environment: env,
    containers: samples.length,
    anomalies: anomalies.length,
    actions: acted.actions.filter((a) => a.outcome !== 'skipped').length,
    degraded: runDegraded,
    scorer: scored.scorer,
    fallbackReason: scored.fallbackReason,
    archiveKey,
    dropped,
    sourceErrors,
    alertMessageId: acted.alertMessageId,
    anomalyDetails: anomalies.slice(0, SUMMARY_ANOMALY_LIMIT),
    actionDetails: acted.actions,
    durationsMs,
  };
  log.info('run complete', { ...summary, anomalyDetails: undefined, actionDetails: summary.actionDetails });
  return summary;
}

interface ActResult {
  actions: ActionOutcome[];
  alertMessageId?: string;
  failures: number;
}

/** Scales and alerts. A failure for one service never stops the others. */
async function act(deps: CycleDeps, options: CycleOptions, anomalies: Anomaly[], now: Date): Promise<ActResult> {
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

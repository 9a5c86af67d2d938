/**
 * One detection cycle: collect → merge → archive → score → decide → act.
 * Every edge (sources, storage, scorer, ECS, SNS, logs, metrics, clock) is a
 * port, so the Lambda, the local run and the tests run this same code.
 */
import { createHash } from 'node:crypto';
import { decideAnomalies, DEFAULT_SEVERITY_POLICY, type SeverityPolicy } from '../core/policy';
import type { ScalingConfig } from '../core/scaling';
import { serviceKey } from '../core/ledger';
import type { ActionOutcome } from '../core/alerting';
import type { Anomaly, ContainerSample, ContainerScore, DropCounts, ScorerName, SourceName } from '../core/model';
import type { Deadline, MetricSource } from '../core/ports';
import { archiveKeys, detectorMetrics } from '../config/naming';
import { encodeArchive } from './archive';
import { act } from './act';
import { collect, type MetricDegradation } from './collect';
import type { JoinCounts } from '../core/merge';
import { loadDetector } from './detector-state';
import { warmupMsOf, DEFAULT_DETECTOR_OPTIONS } from '../detector';
import { scoreBatch } from './scoring';
import type { Alerter, Clock, EmbeddedDetectorFactory, Log, ObjectStore, RemoteScorer, RunMetrics, ServiceScaler } from './ports';

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
  /** Points older than this are dropped, not scored (defaults to the look-back). */
  staleAfterMinutes?: number;
  scaling: ScalingConfig;
  dryRun: boolean;
  suppressionMinutes: number;
  shard?: Shard;
  severityPolicy?: SeverityPolicy;
  /** Containers unseen for this long are forgotten by the detector. */
  detectorMaxIdleMs?: number;
  /** Ledger entries older than this are dropped. */
  ledgerRetentionMs?: number;
  /** How long fresh embedded models need before they judge; defaults to the default detector's. */
  detectorWarmupMs?: number;
}

export interface RunSummary {
  runId: string;
  environment: string;
  containers: number;
  anomalies: number;
  actions: number;
  degraded: boolean;
  /** Set while detection is limited (fresh embedded models warming up): until when. */
  warmingUntil?: string;
  scorer: ScorerName;
  fallbackReason?: string;
  archiveKey: string;
  dropped: DropCounts;
  sourceErrors: Array<{ source: SourceName; message: string }>;
  /** Metrics a source did not give: each degrades the run on its own. */
  degradedMetrics: MetricDegradation[];
  /** Containers scored, and how many of them both sources reported. */
  join: JoinCounts;
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

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, Math.round(performance.now() - start)];
}

/** Runs one cycle and returns its summary; throws {@link RunFailedError} when no source answered. */
export async function runCycle(deps: CycleDeps, options: CycleOptions): Promise<RunSummary> {
  const { log, metrics, clock } = deps;
  const env = options.environment;
  const now = clock.now();
  const window = { earliest: new Date(now.getTime() - options.lookbackMinutes * 60_000), latest: now };
  const names = detectorMetrics.names;

  // 1–2. Collect from every source at once, merge, keep this shard's containers.
  const [collected, collectMs] = await timed(() => collect(deps, window, options));
  const { batches, sourceErrors, samples, dropped, degradedMetrics, join } = collected;

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
        degradedMetrics,
      }),
      { contentType: 'application/x-ndjson', contentEncoding: 'gzip' },
    ),
  );
  log.info('batch archived', { archiveKey, containers: samples.length, sources: batches.map((b) => b.source) });
  // The raw rows are in the archive now; letting them go keeps a fleet's rows out of memory while it is scored.
  for (const b of batches) b.rawRows = [];
  if (batches.length === 0 && deps.sources.length > 0) {
    throw new RunFailedError(`every metric source failed: ${sourceErrors.map((e) => `${e.source}: ${e.message}`).join('; ')}`, archiveKey);
  }
  const degraded = sourceErrors.length > 0 || degradedMetrics.length > 0;

  // 4. Score: the embedded detector always learns; the remote model decides when it is healthy.
  const stateKey = stateKeyFor(env, options.shard);
  const [scored, scoreMs] = await timed(async () => {
    const { detector, warming } = await loadDetector(deps, stateKey, options.runId, now, options.detectorWarmupMs ?? warmupMsOf(DEFAULT_DETECTOR_OPTIONS));
    const result = await scoreBatch(samples, detector, deps.remoteScorer, options.deadline);
    detector.prune(now.getTime(), options.detectorMaxIdleMs ?? DEFAULT_MAX_IDLE_MS);
    await deps.store.put(stateKey, detector.serialize(), { contentType: 'application/octet-stream' });
    return { ...result, warming };
  });
  if (scored.fallbackReason) {
    log.warn('remote model unavailable: scored with the embedded detector', { reason: scored.fallbackReason });
    metrics.add(names.scorerFallbacks, 'Count', 1);
  }
  metrics.add(names.containersScored, 'Count', samples.length);
  metrics.add(names.frozenReadings, 'Count', scored.scores.filter((s) => s.frozen).length);

  // 5. Decide and act.
  const anomalies = decideAnomalies(samples, scored.scores, options.severityPolicy ?? DEFAULT_SEVERITY_POLICY);
  metrics.add(names.anomalies, 'Count', anomalies.length);
  for (const a of anomalies) log.info('anomaly', { ...a });
  const seen = new Set(samples.map((s) => serviceKey(s.cluster, s.service)));
  const unusual = new Set(scored.scores.filter((s) => s.unusual).map((s) => s.containerId));
  const [acted, actMs] = await timed(() => act(deps, options, anomalies, now, { archiveKey, warming: scored.warming, seen, unusual }));
  metrics.add(names.scaleActions, 'Count', acted.actions.filter((a) => a.outcome === 'scaled' || a.outcome === 'min-capacity-raised').length);
  metrics.add(names.scaleRestores, 'Count', acted.actions.filter((a) => a.outcome === 'restored').length);
  metrics.add(names.alertsPublished, 'Count', acted.alertMessageId ? 1 : 0);
  metrics.add(names.detectorWarming, 'Count', acted.warmingUntil ? 1 : 0);
  metrics.add(names.ledgerResets, 'Count', acted.ledgerReset ? 1 : 0);
  metrics.add(names.blindIncidents, 'Count', acted.blindIncidents);

  deps.observer?.({ samples, scores: scored.scores, anomalies, actions: acted.actions });
  const durationsMs = { collect: collectMs, archive: archiveMs, score: scoreMs, act: actMs };
  metrics.add(names.collectMs, 'Milliseconds', collectMs);
  metrics.add(names.archiveMs, 'Milliseconds', archiveMs);
  metrics.add(names.scoreMs, 'Milliseconds', scoreMs);
  metrics.add(names.actMs, 'Milliseconds', actMs);
  const runDegraded = degraded || acted.failures > 0 || acted.ledgerReset;
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
    warmingUntil: acted.warmingUntil,
    scorer: scored.scorer,
    fallbackReason: scored.fallbackReason,
    archiveKey,
    dropped,
    sourceErrors,
    degradedMetrics,
    join,
    alertMessageId: acted.alertMessageId,
    anomalyDetails: anomalies.slice(0, SUMMARY_ANOMALY_LIMIT),
    actionDetails: acted.actions,
    durationsMs,
  };
  log.info('run complete', { ...summary, anomalyDetails: undefined, actionDetails: summary.actionDetails });
  return summary;
}


/** The action step's test harness: one configured service, a scripted detector, and a 5-minute clock per run. */
import { runCycle, type CycleDeps, type CycleOptions } from '../../src/pipeline/run-cycle';
import { MemoryObjectStore } from '../../src/adapters/memory/object-store';
import { archiveKeys } from '../../src/config/naming';
import { parseLedger } from '../../src/core/ledger';
import type { PartialSample } from '../../src/core/model';
import { DetectorStateOptionsError, DetectorStateVersionError } from '../../src/detector';
import type { EmbeddedDetector } from '../../src/pipeline/ports';
import { FakeAlerter, FakeScaler, FakeSource, RecordingLog, RecordingMetrics, ScriptedDetector, ScriptedDetectorFactory, fixedClock, fullMetrics, noDeadline } from './fakes';

export const START = Date.parse('2026-11-24T10:05:00.000Z');
export const sample = (id: string, service: string, cluster = 'apps-prod'): PartialSample => ({ containerId: id, service, cluster, timestamp: '2026-11-24T10:00:00.000Z', metrics: fullMetrics(95), source: 'splunk' });

/** A factory whose stored state is of another format, as a deploy that changes the format leaves it (or learned in another time zone). */
class OldFormatFactory extends ScriptedDetectorFactory {
  deserialize(bytes: Uint8Array): EmbeddedDetector {
    if (new TextDecoder().decode(bytes).startsWith('v10')) throw new DetectorStateVersionError(10, 11);
    if (new TextDecoder().decode(bytes).startsWith('utc')) throw new DetectorStateOptionsError(['timeZone']);
    return super.deserialize(bytes);
  }
}

export function actHarness(samples: PartialSample[] = [sample('c1', 'checkout-api')]) {
  const detector = new ScriptedDetector(new Map(samples.map((s) => [s.containerId, { metric: 'cpu_pct' as const, direction: 'high' as const }])));
  const scaler = new FakeScaler();
  scaler.state.set('checkout-api', { desiredCount: 4, runningCount: 4 });
  const clock = fixedClock(new Date(START).toISOString());
  const deps: CycleDeps = {
    sources: [FakeSource.of('splunk', samples)], store: new MemoryObjectStore(), detectors: new OldFormatFactory(detector), scaler,
    alerter: new FakeAlerter(), log: new RecordingLog(), metrics: new RecordingMetrics(), clock,
  };
  const options: CycleOptions = {
    environment: 'prod', runId: 'run-0', runKey: 'evt-0', deadline: noDeadline, lookbackMinutes: 10,
    scaling: { services: [{ cluster: 'apps-prod', name: 'checkout-api', minTasks: 2, maxTasks: 24 }], step: 1, criticalStep: 2, cooldownMinutes: 15 },
    dryRun: false, suppressionMinutes: 30, detectorWarmupMs: 2 * 24 * 3600_000,
  };
  let run = 0;
  /** Runs the next 5-minute cycle. */
  const next = (extra: Partial<CycleOptions> = {}, d: CycleDeps = deps) => {
    const at = START + run * 300_000;
    clock.set(new Date(at).toISOString());
    // Each run's rows are fresh, as a live source's are: points past the staleness bound are dropped.
    for (const s of samples) s.timestamp = new Date(at - 300_000).toISOString();
    run++;
    return runCycle(d, { ...options, runId: `run-${run}`, runKey: `evt-${run}`, ...extra });
  };
  const store = deps.store as MemoryObjectStore;
  const ledger = () => parseLedger(new TextDecoder().decode(store.objects.get(archiveKeys.actionLedger('prod'))!.body), options.scaling.services);
  /** The source answers without any rows (the fleet's data went missing); returns a function that brings them back. */
  const hideData = () => {
    const source = deps.sources[0] as FakeSource;
    const full = source.result;
    source.result = { ...(full as Exclude<typeof full, Error>), samples: [], rawRows: [] };
    return () => {
      source.result = full;
    };
  };
  /** One anomalous run (4 → 5), then `quietRuns` runs without anomalies, short of the one that resolves the incident at 5. */
  const incidentThenQuiet = async (quietRuns: number) => {
    await next();
    detector.anomalous = new Map();
    for (let i = 0; i < quietRuns; i++) await next();
  };
  return { detector, scaler, deps, options, next, ledger, hideData, incidentThenQuiet, alerter: deps.alerter as FakeAlerter, metrics: deps.metrics as RecordingMetrics, store };
}


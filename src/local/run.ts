/**
 * `npm start`: the Lambda's pipeline, run locally against a simulated fleet.
 * Real collectors call local Splunk and Dynatrace servers; the archive is a
 * folder; ECS is simulated in dry-run; alerts go to a file; the embedded
 * detector is warmed on simulated history first.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EnvironmentConfig } from '../../environments/schema';
import { parseRuntimeConfig, type RuntimeConfig } from '../config/runtime-config';
import { DEFAULT_DYNATRACE_DIMENSIONS, DEFAULT_DYNATRACE_METRICS, DEFAULT_SPLUNK_FIELDS, defaultEntitySelector, defaultSpl } from '../config/source-defaults';
import { toRuntimeConfig } from '../config/from-environment';
import type { Anomaly, ContainerScore, ContainerSample } from '../core/model';
import type { SecretProvider } from '../core/ports';
import type { ActionOutcome } from '../core/alerting';
import { FleetDetector, fleetDetectorFactory } from '../detector';
import { runCycle, stateKeyFor, type RunSummary } from '../pipeline/run-cycle';
import type { Log, RunMetrics } from '../pipeline/ports';
import { cycleOptionsFrom } from '../runtime/cycle-options';
import { createSecretProvider, createSources } from '../runtime/sources';
import { TokenAuth } from '../adapters/vault/auth';
import { VaultClient } from '../adapters/vault/client';
import { rotateSecret } from '../adapters/vault/rotation';
import { FleetSim, SIM_SERVICES, STEP_MS, defaultIncidents, type Incident } from '../sim/fleet';
import { renderReport, type ReportData, type ReportEvent, type ReportSeries } from '../report/html';
import { startSplunkServer } from './splunk-server';
import { startDynatraceServer } from './dynatrace-server';
import { FileObjectStore } from './file-store';
import { RedactionBoundary } from '../observability/boundary';
import { processRedactor } from '../observability/redaction';
import { FileAlerter, SecretsFile, SimulatedEcs } from './sim-adapters';

export interface LocalRunOptions {
  cycles: number;
  seed: number;
  /** Working folder for the archive, alerts and secrets (`./.local`). */
  workdir: string;
  reportPath: string;
  /** Days of simulated history the detector learns before the live cycles. */
  historyDays: number;
  /** Use this environment's settings (allow-list, steps, cooldown, SPL, selectors). */
  environment?: EnvironmentConfig;
  /** Environment variables (VAULT_ADDR, VAULT_TOKEN), injectable for tests. */
  env: Record<string, string | undefined>;
  print: (line: string) => void;
}

export interface IncidentOutcome {
  incident: Incident;
  detectedAtCycle?: number;
}

export interface LocalRunResult {
  summaries: RunSummary[];
  anomalies: Array<Anomaly & { cycle: number; action: string }>;
  incidents: IncidentOutcome[];
  alertsPath: string;
  reportPath: string;
  archiveRoot: string;
}

/** Simulation start: a fixed UTC midnight, so a seed always gives the same run. */
export const SIM_START_MS = Date.UTC(2026, 10, 16);
const LOCAL_ENVIRONMENT = 'local';
/** The simulated fleet's ECS cluster (FleetSim's default). */
const LOCAL_CLUSTER = 'local-apps';
const quiet: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const noMetrics: RunMetrics = { add: () => undefined };

function localRuntimeConfig(splunkUrl: string, dynatraceUrl: string, env?: EnvironmentConfig): RuntimeConfig {
  const allowList = SIM_SERVICES.map((s) => ({ name: s.name, minTasks: s.tasks, maxTasks: s.tasks * 2 }));
  const base = env ? toRuntimeConfig(env, { archiveBucket: 'local-archive', alertTopicArn: 'local-alerts' }) : undefined;
  return parseRuntimeConfig(
    JSON.stringify({
      environment: env?.name ?? LOCAL_ENVIRONMENT,
      region: env?.aws.region ?? 'local',
      dryRun: true,
      archive: { bucket: 'local-archive' },
      alerts: { topicArn: 'local-alerts', suppressionMinutes: base?.alerts.suppressionMinutes ?? 60 },
      sagemaker: {},
      vault: {
        address: 'http://127.0.0.1:8200',
        kvMount: base?.vault.kvMount ?? 'secret',
        splunkPath: base?.vault.splunkPath ?? 'container-anomaly/local/splunk',
        dynatracePath: base?.vault.dynatracePath ?? 'container-anomaly/local/dynatrace',
        auth: { method: 'token' },
      },
      // The searches filter to the simulated fleet's cluster, as an environment's defaults filter to its own.
      splunk: {
        baseUrl: splunkUrl,
        index: 'ecs_metrics',
        spl: env?.splunk.spl ?? defaultSpl('ecs_metrics', env?.splunk.fields ?? DEFAULT_SPLUNK_FIELDS, LOCAL_CLUSTER),
        lookbackMinutes: 10,
        authScheme: 'bearer',
        fields: env?.splunk.fields ?? DEFAULT_SPLUNK_FIELDS,
      },
      dynatrace: {
        environmentUrl: dynatraceUrl,
        resolution: '1m',
        entitySelector: env?.dynatrace.entitySelector ?? defaultEntitySelector(LOCAL_CLUSTER),
        dimensions: env?.dynatrace.dimensions ?? DEFAULT_DYNATRACE_DIMENSIONS,
        metrics: env?.dynatrace.metrics ?? DEFAULT_DYNATRACE_METRICS,
      },
      staleAfterMinutes: env?.staleAfterMinutes ?? 10,
      timeZone: env?.timeZone ?? 'UTC',
      ecs: {
        cluster: LOCAL_CLUSTER,
        // The simulated fleet's services: an environment's own allow-list names services the simulation does not run.
        services: allowList,
        step: base?.ecs.step ?? 1,
        criticalStep: base?.ecs.criticalStep ?? 2,
        cooldownMinutes: base?.ecs.cooldownMinutes ?? 15,
      },
    }),
  );
}

/** Writes the local servers' tokens where the pipeline reads secrets: a file, or Vault/OpenBao when VAULT_ADDR is set. */
async function provisionSecrets(config: RuntimeConfig, tokens: { splunk: string; dynatrace: string }, o: LocalRunOptions): Promise<{ secrets: SecretProvider; where: string }> {
  const values: Record<string, Record<string, string>> = {
    [config.vault.splunkPath]: { token: tokens.splunk },
    [config.vault.dynatracePath]: { apiToken: tokens.dynatrace },
  };
  const address = o.env.VAULT_ADDR;
  if (!address) {
    const path = join(o.workdir, 'secrets.json');
    return { secrets: SecretsFile.create(path, values), where: path };
  }
  const token = o.env.VAULT_TOKEN;
  if (!token) throw new Error('VAULT_ADDR is set but VAULT_TOKEN is not: log in to Vault/OpenBao first');
  const client = new VaultClient({ address, auth: new TokenAuth(token) });
  const kvMount = o.env.VAULT_KV_MOUNT ?? config.vault.kvMount;
  for (const [path, data] of Object.entries(values)) {
    await rotateSecret({ client, kvMount, path, secret: path.endsWith('splunk') ? 'splunk' : 'dynatrace', data });
  }
  const vaultConfig = { ...config, vault: { ...config.vault, address, kvMount } };
  return { secrets: createSecretProvider(vaultConfig, new TokenAuth(token)), where: `${address} (${kvMount}/)` };
}

function progressBar(done: number, total: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round((done / total) * 100)}%`;
}

export async function localRun(o: LocalRunOptions): Promise<LocalRunResult> {
  const historySteps = o.historyDays * 288;
  const sim = new FleetSim({ seed: o.seed, startMs: SIM_START_MS, cluster: LOCAL_CLUSTER, incidents: defaultIncidents(historySteps) });
  const archiveRoot = join(o.workdir, 'archive');
  const alertsPath = join(o.workdir, 'alerts.jsonl');
  rmSync(archiveRoot, { recursive: true, force: true });
  rmSync(alertsPath, { force: true });
  mkdirSync(o.workdir, { recursive: true });

  const tokens = { splunk: randomBytes(16).toString('hex'), dynatrace: `dt0c01.${randomBytes(12).toString('hex')}` };
  const splunk = await startSplunkServer({ sim, acceptedAuthorization: [`Bearer ${tokens.splunk}`] });
  const dynatrace = await startDynatraceServer({ sim, acceptedTokens: [tokens.dynatrace] });
  try {
    const config = localRuntimeConfig(splunk.url, dynatrace.url, o.environment);
    const { secrets, where } = await provisionSecrets(config, tokens, o);
    o.print(`Local Splunk ${splunk.url}, Dynatrace ${dynatrace.url}; secrets from ${where}`);
    // The same redaction boundary as the Lambda: with VAULT_ADDR these are real secrets.
    const boundary = new RedactionBoundary(processRedactor);
    const store = boundary.store(new FileObjectStore(archiveRoot));

    // Learn the fleet's normal behaviour from simulated history, as weeks of real runs would have.
    const detector = FleetDetector.create({ timeZone: config.timeZone });
    const started = performance.now();
    let lastShown = -1;
    for (let step = 0; step < historySteps; step++) {
      // One cycle's samples at once, as the Lambda hands them over: peers are compared at every step.
      detector.updateBatch(sim.fleetAt(step).map((c) => ({ key: c.containerId, group: c.service, timestampMs: sim.timeOf(step), values: [c.metrics.cpu_pct, c.metrics.mem_pct, c.metrics.net_mbps, c.metrics.disk_iops] })));
      const pct = Math.floor(((step + 1) / historySteps) * 10);
      if (pct !== lastShown) {
        lastShown = pct;
        o.print(`Replaying ${o.historyDays} days of history for ${sim.containers.length} containers ${progressBar(step + 1, historySteps)}`);
      }
    }
    await store.put(stateKeyFor(config.environment, undefined), detector.serialize());
    o.print(`Detector warmed in ${((performance.now() - started) / 1000).toFixed(1)} s (${detector.size()} containers, ${detector.groups()} services)`);

    let clockMs = sim.timeOf(historySteps);
    const ecs = new SimulatedEcs(sim);
    const events: ReportEvent[] = [];
    const alerter = boundary.alerter(new FileAlerter(alertsPath, (m, at) => {
      // The subject carries the severity (or RESOLVED) already.
      o.print(`  ALERT ${m.subject}`);
      for (const a of (JSON.parse(m.body) as { anomalies: Array<{ service: string }> }).anomalies) events.push({ t: at.getTime(), service: a.service, kind: 'alert', label: m.subject });
    }, () => new Date(clockMs)));
    const series = new Map<string, ReportSeries>();
    const summaries: RunSummary[] = [];
    const anomalies: LocalRunResult['anomalies'] = [];
    let cycle = 0;
    const observer = (batch: { samples: readonly ContainerSample[]; scores: readonly ContainerScore[]; anomalies: readonly Anomaly[]; actions: readonly ActionOutcome[] }) => {
      const scoreById = new Map(batch.scores.map((s) => [s.containerId, s]));
      for (const s of batch.samples) {
        const score = scoreById.get(s.containerId);
        if (!score) continue;
        const entry = series.get(s.containerId) ?? { containerId: s.containerId, service: s.service, points: [] };
        entry.points.push({ t: clockMs, metrics: s.metrics, score: score.score, threshold: score.threshold, anomaly: batch.anomalies.some((a) => a.containerId === s.containerId) });
        series.set(s.containerId, entry);
      }
      for (const a of batch.actions) {
        if (a.outcome === 'scaled' || a.outcome === 'would-scale' || a.outcome === 'min-capacity-raised') {
          events.push({ t: clockMs, service: a.service, kind: 'scale', label: `${a.outcome} ${a.service} ${a.from}→${a.to}` });
        }
      }
      for (const a of batch.anomalies) {
        const act = batch.actions.find((x) => x.service === a.service);
        const action = !act ? 'alert only' : act.outcome === 'skipped' ? `alert only (${act.reason})` : `${act.outcome} ${act.from}→${act.to}`;
        anomalies.push({ ...a, cycle, action });
      }
    };
    const sources = createSources(config, secrets);
    for (cycle = 1; cycle <= o.cycles; cycle++) {
      clockMs = sim.timeOf(historySteps + cycle) + 1000;
      const options = cycleOptionsFrom(config, { runKey: `local-${o.seed}-${cycle}`, runId: `local-${String(cycle).padStart(4, '0')}`, deadline: { remainingMs: () => 60_000 } }, new Date(clockMs));
      const summary = await runCycle(
        { sources, store, detectors: fleetDetectorFactory({ timeZone: config.timeZone }), scaler: ecs, alerter, log: quiet, metrics: noMetrics, clock: { now: () => new Date(clockMs) }, observer },
        options,
      );
      summaries.push(summary);
      const acted = summary.actionDetails.filter((a) => a.outcome !== 'skipped').map((a) => `${a.outcome} ${a.service} ${a.from}→${a.to}`);
      o.print(
        `cycle ${String(cycle).padStart(3)}  ${new Date(clockMs).toISOString().slice(11, 16)}  containers ${summary.containers}  anomalies ${summary.anomalies}  actions ${summary.actions}  joined ${summary.join.joined}${acted.length ? `  (${acted.join(', ')})` : ''}${summary.degraded ? '  DEGRADED' : ''}`,
      );
    }

    // Only incidents that began inside the live window can have been found.
    const incidents: IncidentOutcome[] = sim.incidents.filter((i) => i.fromStep <= historySteps + o.cycles).map((incident) => {
      const hit = anomalies.find((a) => a.containerId === incident.containerId && historySteps + a.cycle >= incident.fromStep && historySteps + a.cycle <= incident.toStep + 6);
      return { incident, detectedAtCycle: hit?.cycle };
    });

    const anomalousServices = new Set(anomalies.map((a) => a.service));
    const report: ReportData = {
      environment: config.environment,
      generatedAt: new Date(clockMs).toISOString(),
      seed: o.seed,
      cycles: o.cycles,
      rows: anomalies.map((a) => ({ at: new Date(sim.timeOf(historySteps + a.cycle)).toISOString().slice(0, 16).replace('T', ' '), service: a.service, containerId: a.containerId, kind: a.kind, severity: a.severity, topMetric: a.topMetrics[0], action: a.action })),
      series: [...series.values()].filter((s) => anomalies.some((a) => a.containerId === s.containerId) || (anomalousServices.has(s.service) && s.containerId.endsWith('0000'))),
      events,
    };
    mkdirSync(dirname(o.reportPath), { recursive: true });
    writeFileSync(o.reportPath, renderReport(report));
    return { summaries, anomalies, incidents, alertsPath, reportPath: o.reportPath, archiveRoot };
  } finally {
    await splunk.close();
    await dynatrace.close();
  }
}

/** Whether both sources reached every scored container: the merge's join, stated in the closing summary. */
export function joinLine(summaries: readonly RunSummary[]): string {
  const joined = summaries.map((s) => s.join.joined);
  const containers = summaries.map((s) => s.containers);
  const degraded = summaries.filter((s) => s.sourceErrors.length || s.degradedMetrics.length).length;
  const range = (xs: number[]) => (Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${Math.min(...xs)}–${Math.max(...xs)}`);
  return `Sources: Splunk and Dynatrace joined on ${range(joined)} of ${range(containers)} containers per cycle; ${degraded} of ${summaries.length} cycles had a source or metric missing`;
}

/** The closing tables: every anomaly with what was done, and each injected incident found or missed. */
export function summaryTable(result: LocalRunResult, stepMs = STEP_MS): string[] {
  const lines: string[] = [];
  const header = ['cycle', 'service', 'container', 'kind', 'severity', 'top metric', 'action'];
  const rows = result.anomalies.map((a) => [String(a.cycle), a.service, a.containerId, a.kind, a.severity, a.topMetrics[0], a.action]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  lines.push('', fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt));
  if (rows.length === 0) lines.push('(no anomalies)');
  lines.push('', joinLine(result.summaries), '', 'Injected incidents:');
  for (const { incident, detectedAtCycle } of result.incidents) {
    const duration = ((incident.toStep - incident.fromStep + 1) * stepMs) / 60_000;
    lines.push(`  ${incident.kind.padEnd(14)} ${incident.containerId.padEnd(26)} ${duration} min  ${detectedAtCycle ? `found at cycle ${detectedAtCycle}` : 'MISSED'}`);
  }
  return lines;
}

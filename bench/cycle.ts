/**
 * One full detection cycle at fleet scale, in its own process (so its peak RSS
 * is the Lambda's part alone): local Splunk and Dynatrace servers on 127.0.0.1
 * with request latency in a child process (in production they are other
 * machines), the archive in a folder (S3 does not live in the Lambda's
 * memory either), ECS/SNS fakes, 20–50 ms per AWS call, the real collectors,
 * pipeline and detector. Prints one JSON line.
 *
 *   tsx bench/cycle.ts <containers>
 *   tsx bench/cycle.ts --servers <containers> <nowMs>   (the child: prints the servers' URLs, runs until stdin closes)
 */
import { DEFAULT_DYNATRACE_DIMENSIONS, DEFAULT_DYNATRACE_METRICS, DEFAULT_SPLUNK_FIELDS } from '../src/config/source-defaults';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { RedactionBoundary } from '../src/observability/boundary';
import { processRedactor } from '../src/observability/redaction';
import { FileObjectStore } from '../src/local/file-store';
import { runCycle } from '../src/pipeline/run-cycle';
import type { Alerter, AlertMessage, ObjectStore, ServiceScaler, ServiceState, WriteCondition } from '../src/pipeline/ports';
import { fleetDetectorFactory } from '../src/detector';
import { FleetSim, SIM_SERVICES, STEP_MS } from '../src/sim/fleet';
import { startSplunkServer } from '../src/local/splunk-server';
import { startDynatraceServer } from '../src/local/dynatrace-server';
import { SecretsFile } from '../src/local/sim-adapters';
import { createSources } from '../src/runtime/sources';
import { parseRuntimeConfig } from '../src/config/runtime-config';
import { SeededRandom } from '../src/detector/random';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONTAINERS_PER_SERVICE = 100;
const rng = new SeededRandom(7);
const latency = () => new Promise((r) => setTimeout(r, 20 + rng.next() * 30));

class SlowStore implements ObjectStore {
  constructor(readonly inner: FileObjectStore) {}
  async get(key: string) {
    await latency();
    return this.inner.get(key);
  }
  async put(key: string, body: Uint8Array, o?: { condition?: WriteCondition; contentType?: string; contentEncoding?: string }) {
    await latency();
    return this.inner.put(key, body, o);
  }
}
const scaler: ServiceScaler = {
  describe: async (): Promise<ServiceState> => (await latency(), { desiredCount: 3, runningCount: 3 }),
  setDesiredCount: async () => latency().then(() => undefined),
  setMinCapacity: async () => latency().then(() => undefined),
};
const alerter: Alerter = { publish: async (_m: AlertMessage) => (await latency(), 'bench-message') };


function fleetOf(containers: number) {
  const serviceCount = Math.max(1, Math.ceil(containers / CONTAINERS_PER_SERVICE));
  const perService = Math.min(containers, CONTAINERS_PER_SERVICE);
  const services = Array.from({ length: serviceCount }, (_, i) => ({ ...SIM_SERVICES[i % SIM_SERVICES.length], name: `svc-${String(i).padStart(3, '0')}` }));
  return { services, perService };
}

async function serveFleet(containers: number, now: number): Promise<void> {
  const { services, perService } = fleetOf(containers);
  const sim = new FleetSim({ seed: 3, startMs: now - 10 * STEP_MS, services, containersPerService: perService });
  const splunk = await startSplunkServer({ sim, acceptedAuthorization: ['Bearer bench'], latencyMs: 30 });
  const dynatrace = await startDynatraceServer({ sim, acceptedTokens: ['dt0c01.bench'], pageSize: 1000, latencyMs: 30 });
  process.stdout.write(JSON.stringify({ splunk: splunk.url, dynatrace: dynatrace.url }) + '\n');
  process.stdin.resume();
  process.stdin.on('end', () => void Promise.all([splunk.close(), dynatrace.close()]).then(() => process.exit(0)));
}

/** Starts the servers in a child process and returns their URLs; closing its stdin stops it. */
async function startServers(containers: number, now: number) {
  const child = spawn(process.execPath, [...process.execArgv, __filename, '--servers', String(containers), String(now)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench servers exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  const urls = JSON.parse(firstLine) as { splunk: string; dynatrace: string };
  return { ...urls, stop: () => child.stdin!.end() };
}

async function main(): Promise<void> {
  const containers = Number(process.argv[2]);
  const { services } = fleetOf(containers);
  const now = Math.floor(Date.now() / STEP_MS) * STEP_MS;
  const servers = await startServers(containers, now);
  const config = parseRuntimeConfig(JSON.stringify({
    environment: 'bench', region: 'local', dryRun: false, archive: { bucket: 'b' }, alerts: { topicArn: 't', suppressionMinutes: 60 }, sagemaker: {},
    vault: { address: 'http://127.0.0.1:8200', kvMount: 'kv', splunkPath: 's', dynatracePath: 'd', auth: { method: 'token' } },
    splunk: { baseUrl: servers.splunk, index: 'i', spl: 'search index=i', lookbackMinutes: 10, authScheme: 'bearer', fields: DEFAULT_SPLUNK_FIELDS },
    dynatrace: { environmentUrl: servers.dynatrace, resolution: '1m', entitySelector: 'type(CONTAINER_GROUP_INSTANCE)', dimensions: DEFAULT_DYNATRACE_DIMENSIONS, metrics: DEFAULT_DYNATRACE_METRICS },
    staleAfterMinutes: 10,
    ecs: { cluster: 'c', services: services.map((s) => ({ name: s.name, minTasks: 1, maxTasks: 10 })), step: 1, criticalStep: 2, cooldownMinutes: 15 },
  }));
  const workDir = mkdtempSync(join(tmpdir(), 'cad-bench-'));
  const secrets = SecretsFile.create(join(workDir, 'secrets.json'), { s: { token: 'bench' }, d: { apiToken: 'dt0c01.bench' } });
  const store = new SlowStore(new FileObjectStore(join(workDir, 'archive')));
  // The redaction boundary on the sinks, as the Lambda wires it: its cost is part of the cycle.
  const boundary = new RedactionBoundary(processRedactor);
  const deps = {
    sources: createSources(config, secrets), store: boundary.store(store), detectors: fleetDetectorFactory(), scaler, alerter: boundary.alerter(alerter),
    log: boundary.log({ debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined }),
    metrics: { add: () => undefined }, clock: { now: () => new Date(now) },
  };
  const options = (run: number) => ({
    environment: 'bench', runId: `bench-${run}`, runKey: `bench-${run}`, deadline: { remainingMs: () => 240_000 }, lookbackMinutes: 10,
    scaling: { services: config.ecs.services.map((s) => ({ ...s, cluster: 'c' })), step: 1, criticalStep: 2, cooldownMinutes: 15 }, dryRun: false, suppressionMinutes: 60,
  });
  // The first cycle creates every container's model; the measured one is a steady-state run.
  await runCycle(deps, options(1));
  const started = performance.now();
  const summary = await runCycle(deps, options(2));
  const seconds = (performance.now() - started) / 1000;
  // Measured on disk: reading the state back would add to the peak being measured.
  const stateBytes = statSync(join(store.inner.root, 'state', 'env=bench', 'detector-state.bin')).size;
  servers.stop();
  rmSync(workDir, { recursive: true, force: true });
  process.stdout.write(
    JSON.stringify({ containers: summary.containers, seconds, rssMb: process.resourceUsage().maxRSS / 1024, stateMb: stateBytes / 1024 / 1024, durationsMs: summary.durationsMs }) + '\n',
  );
}

const entry = process.argv[2] === '--servers' ? serveFleet(Number(process.argv[3]), Number(process.argv[4])) : main();
entry.catch((e: unknown) => {
  process.stderr.write(`bench cycle: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});

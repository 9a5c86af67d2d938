/**
 * npm run check-sources -- --env <name> [--secrets-file secrets.json] [--json]
 * npm run check-sources -- --sources sources.json --cluster <ecs-cluster> --secrets-file secrets.json [--json]
 *
 * Onboarding and on-call: connects to Splunk and Dynatrace exactly as the
 * Lambda would (same collectors, mapping, time budget and merge), runs one
 * collection over the look-back window, and says per source what it found:
 * rows, containers, metrics found and missing, drops by reason, clock skew,
 * and the first problem in plain words; then how many containers joined.
 * Exits 1 when no container has every metric the detector needs.
 *
 * Secrets come from Vault (VAULT_ADDR, VAULT_TOKEN; the environment's paths)
 * or from `--secrets-file`, which holds `{"splunk": {"token": …}, "dynatrace": {"apiToken": …}}`.
 * A `--sources` file holds an environment's sources section (`splunk`, `dynatrace`, `staleAfterMinutes`).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadEnvironment } from '../environments';
import { formatPath } from '../environments/schema';
import { sourcesFileSchema } from '../environments/sources-schema';
import { toRuntimeConfig } from '../src/config/from-environment';
import { parseRuntimeConfig, type RuntimeConfig } from '../src/config/runtime-config';
import { defaultEntitySelector, defaultSpl } from '../src/config/source-defaults';
import { METRIC_NAMES } from '../src/core/model';
import type { SecretProvider, SourceBatch } from '../src/core/ports';
import { TokenAuth } from '../src/adapters/vault/auth';
import { SecretsFile } from '../src/local/sim-adapters';
import { collect, type Collected } from '../src/pipeline/collect';
import { processRedactor } from '../src/observability/redaction';
import type { Log } from '../src/pipeline/ports';
import { createSecretProvider, createSourcesFrom } from '../src/runtime/sources';

type SourceSettings = Pick<RuntimeConfig, 'splunk' | 'dynatrace' | 'staleAfterMinutes'>;

interface SourceReport {
  source: string;
  /** It answered and its containers were usable. */
  ok: boolean;
  answered: boolean;
  rows: number;
  containers: number;
  metricsFound: string[];
  metricsMissing: Array<{ metric: string; reason: string }>;
  dropped: SourceBatch['dropped'];
  clockSkewMs?: number;
  problem?: string;
}

const quiet: Log = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function fromSourcesFile(path: string, cluster: string | undefined): SourceSettings {
  const parsed = sourcesFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`${path} is invalid:\n  ${parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('\n  ')}`);
  const s = parsed.data;
  if ((!s.splunk.spl || !s.dynatrace.entitySelector) && !cluster) throw new Error('--cluster is required unless the file sets splunk.spl and dynatrace.entitySelector (the defaults filter to one ECS cluster)');
  return {
    splunk: { ...s.splunk, spl: s.splunk.spl ?? defaultSpl(s.splunk.index, s.splunk.fields, cluster!) },
    dynatrace: { ...s.dynatrace, entitySelector: s.dynatrace.entitySelector ?? defaultEntitySelector(cluster!) },
    staleAfterMinutes: s.staleAfterMinutes,
  };
}

/**
 * Every line goes through the redactor: an upstream message (a Splunk FATAL
 * that echoes the request) can carry the credential this run just used.
 */
function say(line: string): void {
  console.log(processRedactor.redactText(line));
}

function reportOf(source: string, collected: Collected): SourceReport {
  const error = collected.sourceErrors.find((e) => e.source === source);
  const batch = collected.batches.find((b) => b.source === source);
  if (!batch) return { source, ok: false, answered: false, rows: 0, containers: 0, metricsFound: [], metricsMissing: [], dropped: {}, problem: error?.message ?? 'no answer' };
  return {
    source,
    // It answered, but an error can still say its containers were of no use (e.g. a mapping that joins nothing).
    ok: !error,
    answered: true,
    rows: batch.stats?.rows ?? batch.rawRows.length,
    containers: batch.stats?.containers ?? batch.samples.length,
    metricsFound: batch.stats?.metricsFound ?? [],
    metricsMissing: batch.missingMetrics ?? [],
    dropped: batch.dropped,
    clockSkewMs: batch.stats?.clockSkewMs,
    problem: error?.message ?? batch.stats?.problems[0],
  };
}

function printText(reports: SourceReport[], collected: Collected): void {
  for (const r of reports) {
    say(`${r.source}: ${r.ok ? 'answered' : r.answered ? 'answered, but of no use' : 'FAILED'}`);
    if (r.answered) {
      say(`  rows ${r.rows}, containers ${r.containers}`);
      say(`  metrics found: ${r.metricsFound.join(', ') || 'none'}`);
      for (const m of r.metricsMissing) say(`  metric missing: ${m.metric} (${m.reason})`);
      const drops = Object.entries(r.dropped).map(([reason, n]) => `${reason} ${n}`);
      say(`  dropped: ${drops.join(', ') || 'nothing'}`);
      say(`  clock skew: ${r.clockSkewMs === undefined ? 'unknown (no Date header)' : `${(r.clockSkewMs / 1000).toFixed(0)} s`}`);
    }
    if (r.problem) say(`  first problem: ${r.problem}`);
  }
  const { joined } = collected.join;
  say(`joined: ${joined} of ${collected.samples.length} complete containers were reported by both sources`);
  const dropped = Object.entries(collected.dropped).map(([reason, n]) => `${reason} ${n}`);
  if (dropped.length) say(`dropped in all: ${dropped.join(', ')}`);
  if (collected.samples.length === 0) say(`PROBLEM: no container has all of ${METRIC_NAMES.join(', ')}: nothing would be scored`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { env: { type: 'string' }, sources: { type: 'string' }, cluster: { type: 'string' }, 'secrets-file': { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (!values.env === !values.sources) throw new Error('usage: npm run check-sources -- (--env <name> | --sources file.json --cluster <name>) [--secrets-file secrets.json] [--json]');
  let settings: SourceSettings;
  let paths = { splunk: 'splunk', dynatrace: 'dynatrace' };
  let secrets: SecretProvider;
  if (values.env) {
    const config = parseRuntimeConfig(JSON.stringify(toRuntimeConfig(loadEnvironment(values.env), { archiveBucket: 'check-sources', alertTopicArn: 'check-sources' })));
    settings = config;
    if (!values['secrets-file']) {
      const token = process.env.VAULT_TOKEN;
      if (!token) throw new Error('set VAULT_TOKEN (and VAULT_ADDR to override the environment’s Vault address), or pass --secrets-file');
      const vault = { ...config.vault, address: process.env.VAULT_ADDR ?? config.vault.address };
      paths = { splunk: vault.splunkPath, dynatrace: vault.dynatracePath };
      secrets = createSecretProvider({ ...config, vault }, new TokenAuth(token));
    } else {
      secrets = new SecretsFile(values['secrets-file']);
    }
  } else {
    if (!values['secrets-file']) throw new Error('--sources needs --secrets-file');
    settings = fromSourcesFile(values.sources!, values.cluster);
    secrets = new SecretsFile(values['secrets-file']);
  }
  const sources = createSourcesFrom(settings, paths, secrets);
  const now = new Date();
  const window = { earliest: new Date(now.getTime() - settings.splunk.lookbackMinutes * 60_000), latest: now };
  // The Lambda's default timeout: collection gets the same share of it as in a real run.
  const started = Date.now();
  const deadline = { remainingMs: () => 240_000 - (Date.now() - started) };
  const collected = await collect({ sources, log: quiet, metrics: { add: () => undefined } }, window, { deadline, lookbackMinutes: settings.splunk.lookbackMinutes, staleAfterMinutes: settings.staleAfterMinutes });
  const reports = sources.map((s) => reportOf(s.name, collected));
  if (values.json) say(JSON.stringify({ window: { earliest: window.earliest.toISOString(), latest: window.latest.toISOString() }, sources: reports, containers: collected.samples.length, join: collected.join, dropped: collected.dropped }, null, 2));
  else printText(reports, collected);
  process.exitCode = collected.samples.length === 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(processRedactor.redactText(`check-sources: ${e instanceof Error ? e.message : String(e)}`));
  process.exit(2);
});

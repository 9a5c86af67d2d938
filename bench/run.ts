/**
 * npm run bench [-- --json]
 *
 * Measures synth, the Lambda bundle, a full cycle at 100/1,000/10,000
 * containers and the detector, in one run, against targets and against
 * baselines built in the same run (this machine is shared and noisy).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { bundleLambda, LAMBDA_BUILD_OPTIONS, PROJECT_ROOT } from '../modules/detector-function/bundle';
import { FleetDetector } from '../src/detector';
import { median, renderTable, toJson, type Figure } from './lib/report';

const TSX = join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx');
const GEN = join(PROJECT_ROOT, '.gen', 'bench');
const log = (line: string) => process.stderr.write(`${line}\n`);

function synth(): { seconds: number; rssMb: number } {
  const out = mkdtempSync(join(tmpdir(), 'cad-bench-synth-'));
  const started = performance.now();
  const rss = execFileSync(TSX, ['-e', `require('./main.ts').buildApp(${JSON.stringify(out)}).synth(); process.stdout.write(String(process.resourceUsage().maxRSS))`], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { seconds: (performance.now() - started) / 1000, rssMb: Number(rss) / 1024 };
}

/** Median time to `require` a bundle in a fresh node process (measured inside it). */
function initMs(file: string, runs = 10): number {
  const times = Array.from({ length: runs }, () =>
    Number(execFileSync(process.execPath, ['-e', `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`], { encoding: 'utf8' })),
  );
  return median(times);
}

function bundles(): { kb: number; gzKb: number; initMs: number; naiveInitMs: number; naiveKb: number } {
  mkdirSync(GEN, { recursive: true });
  const ours = bundleLambda();
  const oursFile = join(GEN, 'index.js');
  writeFileSync(oursFile, ours.code);
  // The naive baseline: the same four AWS clients and Powertools, imported eagerly and bundled whole.
  const naiveEntry = join(GEN, 'naive-entry.ts');
  writeFileSync(
    naiveEntry,
    [
      "import { S3Client } from '@aws-sdk/client-s3';",
      "import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';",
      "import { ECSClient } from '@aws-sdk/client-ecs';",
      "import { SNSClient } from '@aws-sdk/client-sns';",
      "import { Logger } from '@aws-lambda-powertools/logger';",
      "import { Metrics } from '@aws-lambda-powertools/metrics';",
      'const clients = [new S3Client({}), new SageMakerRuntimeClient({}), new ECSClient({}), new SNSClient({})];',
      "const logger = new Logger({ serviceName: 'naive' });",
      "const metrics = new Metrics({ namespace: 'naive' });",
      'export const handler = async () => ({ clients: clients.length, logger: !!logger, metrics: !!metrics });',
    ].join('\n'),
  );
  const naiveFile = join(GEN, 'naive.js');
  buildSync({ ...LAMBDA_BUILD_OPTIONS, external: [], entryPoints: [naiveEntry], outfile: naiveFile, logLevel: 'silent' });
  const naiveKb = Buffer.byteLength(execFileSync('cat', [naiveFile])) / 1024;
  return { kb: ours.codeBytes / 1024, gzKb: gzipSync(ours.code).byteLength / 1024, initMs: initMs(oursFile), naiveInitMs: initMs(naiveFile), naiveKb };
}

function cycle(containers: number): { seconds: number; rssMb: number; stateMb: number } {
  const out = execFileSync(TSX, [join(PROJECT_ROOT, 'bench', 'cycle.ts'), String(containers)], { cwd: PROJECT_ROOT, encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as { seconds: number; rssMb: number; stateMb: number };
}

function detector(): { updatesPerS: number; usPerSample: number; bytesPerContainer: number } {
  const d = FleetDetector.create();
  const containers = 1000;
  const rounds = 20;
  const t0 = Date.UTC(2026, 10, 1);
  let x = 1;
  const noise = () => ((x = (x * 48271) % 2147483647) / 2147483647);
  const started = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (let c = 0; c < containers; c++) d.update(`c${c}`, `s${c % 10}`, t0 + r * 300_000, [30 + 10 * noise(), 50 + noise(), 20 + 5 * noise(), 100 + 10 * noise()]);
  }
  const seconds = (performance.now() - started) / 1000;
  const updates = containers * rounds;
  return { updatesPerS: updates / seconds, usPerSample: (seconds * 1e6) / updates, bytesPerContainer: d.serialize().byteLength / containers };
}

function main(): void {
  const json = process.argv.includes('--json');
  log('synth…');
  const s = synth();
  log('bundles…');
  const b = bundles();
  const cycles: Record<number, ReturnType<typeof cycle>> = {};
  for (const n of [100, 1000, 10000]) {
    log(`cycle with ${n} containers…`);
    cycles[n] = cycle(n);
  }
  log('detector…');
  const det = detector();
  const figures: Figure[] = [
    { key: 'synth_s', label: 'synth, all environments', value: s.seconds, unit: 's', target: 3 },
    { key: 'synth_rss_mb', label: 'synth peak RSS', value: s.rssMb, unit: 'MB', target: 300 },
    { key: 'bundle_kb', label: 'Lambda bundle, minified', value: b.kb, unit: 'KB', target: 400, baseline: b.naiveKb },
    { key: 'bundle_gz_kb', label: 'Lambda bundle, gzip', value: b.gzKb, unit: 'KB' },
    { key: 'init_ms', label: 'bundle init (median of 10)', value: b.initMs, unit: 'ms', target: Number((0.5 * b.naiveInitMs).toFixed(1)), baseline: b.naiveInitMs },
    { key: 'init_naive_ms', label: 'naive bundle init (baseline)', value: b.naiveInitMs, unit: 'ms' },
    { key: 'cycle_s_100', label: 'cycle, 100 containers', value: cycles[100].seconds, unit: 's' },
    { key: 'cycle_s_1000', label: 'cycle, 1,000 containers', value: cycles[1000].seconds, unit: 's' },
    { key: 'cycle_s_10000', label: 'cycle, 10,000 containers', value: cycles[10000].seconds, unit: 's', target: 30 },
    { key: 'cycle_rss_mb_10000', label: 'cycle peak RSS, 10,000', value: cycles[10000].rssMb, unit: 'MB', target: 512 },
    { key: 'state_mb_10000', label: 'detector state, 10,000', value: cycles[10000].stateMb, unit: 'MB', target: 50 },
    { key: 'detector_updates_per_s', label: 'detector updates per second', value: det.updatesPerS, unit: '/s' },
    { key: 'detector_us_per_sample', label: 'detector time per sample', value: det.usPerSample, unit: 'µs' },
    { key: 'detector_bytes_per_container', label: 'detector state per container', value: det.bytesPerContainer, unit: 'B' },
  ];
  process.stdout.write(json ? `${JSON.stringify(toJson(figures))}\n` : `${renderTable(figures)}\n`);
}

main();

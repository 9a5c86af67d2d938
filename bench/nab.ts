/**
 * npm run bench:nab
 *
 * Scores the embedded detector (its own is_anomaly decisions, the Lambda's
 * defaults, nothing tuned on these files) and six published NAB detectors
 * (their stored scores with NAB's thresholds) on the 17 labelled AWS
 * CloudWatch series in ../shared/datasets/nab, with the same scorer.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseSeriesCsv, parseTimestamp, scoreSeries } from '../src/backtest/score-csv';
import { normalizedScore, PROFILES, scoreFile, type FileScore } from './lib/nab-scorer';
import type { DetectorOptions } from '../src/detector';

const NAB = join(__dirname, '..', '..', 'shared', 'datasets', 'nab');
const PUBLISHED = ['numenta', 'contextOSE', 'ARTime', 'randomCutForest', 'twitterADVec', 'windowedGaussian'];
const LABEL: Record<string, string> = { numenta: 'HTM (numenta)', contextOSE: 'CAD OSE', ARTime: 'ARTime', randomCutForest: 'AWS Kinesis RCF', twitterADVec: 'Twitter ADVec', windowedGaussian: 'windowed Gaussian' };

function main(): void {
  // `--options '{"thresholdSigmas":12}'` scores detector settings other than the defaults (for exploring; the table's claim is about the defaults).
  const optionsArg = process.argv.indexOf('--options');
  const options = optionsArg > 0 ? (JSON.parse(process.argv[optionsArg + 1]) as Partial<DetectorOptions>) : {};
  if (!existsSync(NAB)) {
    console.log(`NAB data not found at ${NAB}: this benchmark needs the shared datasets folder beside the project; nothing to do.`);
    return;
  }
  const windowsByFile = JSON.parse(readFileSync(join(NAB, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, Array<[string, string]>>;
  const thresholds = JSON.parse(readFileSync(join(NAB, 'config', 'thresholds.json'), 'utf8')) as Record<string, Record<string, { threshold: number }>>;
  const dataDir = join(NAB, 'data', 'realAWSCloudwatch');
  const files = readdirSync(dataDir).filter((f) => f.endsWith('.csv')).sort();
  const profiles = Object.keys(PROFILES) as Array<keyof typeof PROFILES>;
  const rows: string[][] = [];

  const ours: Record<string, FileScore[]> = Object.fromEntries(profiles.map((p) => [p, []]));
  const started = performance.now();
  for (const file of files) {
    const series = parseSeriesCsv(readFileSync(join(dataDir, file), 'utf8'));
    const scored = scoreSeries(series, options).trim().split('\n').slice(1);
    const detections = scored.map((l) => l.split(',')[2] === '1');
    const times = series.rows.map((r) => r.timeMs);
    const windows = (windowsByFile[`realAWSCloudwatch/${file}`] ?? []).map(([s, e]) => [parseTimestamp(s.replace(/\.0+$/, '')), parseTimestamp(e.replace(/\.0+$/, ''))] as [number, number]);
    for (const p of profiles) ours[p].push(scoreFile(times, detections, windows, PROFILES[p]));
  }
  const seconds = (performance.now() - started) / 1000;
  const detail = (fs: FileScore[]) => `TP ${fs.reduce((s, f) => s + f.truePositives, 0)}, FP ${fs.reduce((s, f) => s + f.falsePositives, 0)}, FN ${fs.reduce((s, f) => s + f.falseNegatives, 0)}`;
  rows.push([optionsArg > 0 ? `embedded RCF ${JSON.stringify(options)}` : 'embedded RCF (this project)', ...profiles.map((p) => normalizedScore(ours[p], PROFILES[p]).toFixed(1)), detail(ours.standard)]);

  for (const detector of PUBLISHED) {
    const perProfile: Record<string, FileScore[]> = Object.fromEntries(profiles.map((p) => [p, []]));
    for (const file of files) {
      const path = join(NAB, 'results', detector, 'realAWSCloudwatch', `${file}.gz`);
      const lines = gunzipSync(readFileSync(path)).toString('utf8').trim().split('\n').slice(1);
      const times = lines.map((l) => parseTimestamp(l.split(',')[0]));
      const scores = lines.map((l) => Number(l.split(',')[1]));
      const windows = (windowsByFile[`realAWSCloudwatch/${file}`] ?? []).map(([s, e]) => [parseTimestamp(s.replace(/\.0+$/, '')), parseTimestamp(e.replace(/\.0+$/, ''))] as [number, number]);
      for (const p of profiles) perProfile[p].push(scoreFile(times, scores.map((s) => s >= thresholds[detector][p].threshold), windows, PROFILES[p]));
    }
    rows.push([LABEL[detector], ...profiles.map((p) => normalizedScore(perProfile[p], PROFILES[p]).toFixed(1)), detail(perProfile.standard)]);
  }

  const header = ['detector', 'standard', 'low FP', 'low FN', 'standard profile detections'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`NAB score on the 17 realAWSCloudwatch files (${files.length} read; our detector took ${seconds.toFixed(1)} s)`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

main();

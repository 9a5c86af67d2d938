/**
 * NAB's 17 realAWSCloudwatch files (README of the shared datasets folder):
 * where they are, how to read them, and how to score a detector setting on
 * them with NAB's rules. Only that category is read: NAB's other categories
 * are this project's held-out test and are never downloaded or tuned on.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { backtest, inputFromTexts, parseTimestamp, type BacktestInput } from '../../src/backtest/score-csv';
import type { DetectorOptions } from '../../src/detector';
import { PROFILES, scoreFile, type FileScore } from './nab-scorer';

/** Overrides where the datasets are: a folder laid out as NAB (`data/`, `labels/`, `config/`, `results/`). */
export const NAB_DIR_ENV = 'NAB_DIR';
export const CATEGORY = 'realAWSCloudwatch';

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** `$NAB_DIR`, else the shared datasets folder beside the repository (`../shared/datasets/nab`), as users without it see it. */
export function nabDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[NAB_DIR_ENV] ? resolve(env[NAB_DIR_ENV]!) : join(__dirname, '..', '..', '..', 'shared', 'datasets', 'nab');
}

export interface NabFile {
  name: string;
  input: BacktestInput;
  times: number[];
  /** Label windows [start, end] in ms, inclusive. */
  windows: Array<[number, number]>;
}

/** NAB window stamps carry a `.000000` suffix the CSVs do not (dataset README). */
const windowStamp = (s: string) => parseTimestamp(s.replace(/\.0+$/, ''));

/** The category's files in name order with their windows, or null when the folder is absent. */
export function loadNabFiles(dir: string): NabFile[] | null {
  const dataDir = join(dir, 'data', CATEGORY);
  if (!existsSync(dataDir)) return null;
  const windowsByFile = JSON.parse(readFileSync(join(dir, 'labels', 'combined_windows.json'), 'utf8')) as Record<string, Array<[string, string]>>;
  return readdirSync(dataDir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((name) => {
      const path = join(dataDir, name);
      const input = inputFromTexts([[path, readFileSync(path, 'utf8')]], false);
      const windows = (windowsByFile[`${CATEGORY}/${name}`] ?? []).map(([s, e]) => [windowStamp(s), windowStamp(e)] as [number, number]);
      return { name, input, times: input.rows.map((r) => r.timeMs), windows };
    });
}

/** Per profile, one score per file, in file order. */
export type ProfileScores = Record<ProfileName, FileScore[]>;

/** Scores one detector setting on each file: its own decisions, container scope only (a single series has no peers). */
export function scoreSetting(files: NabFile[], options: Partial<DetectorOptions>): ProfileScores {
  const scores = Object.fromEntries(PROFILE_NAMES.map((p) => [p, [] as FileScore[]])) as ProfileScores;
  for (const file of files) {
    const flags = backtest(file.input, options).detections.map((d) => d.isAnomaly && d.scope === 'container');
    for (const p of PROFILE_NAMES) scores[p].push(scoreFile(file.times, flags, file.windows, PROFILES[p]));
  }
  return scores;
}

/**
 * A published NAB detector's stored scores on the same files (dataset README,
 * "Published detectors' outputs"): an alarm where its score reaches NAB's
 * corpus threshold for the profile (`config/thresholds.json`).
 */
export function scorePublished(dir: string, files: NabFile[], detector: string): ProfileScores {
  const thresholds = JSON.parse(readFileSync(join(dir, 'config', 'thresholds.json'), 'utf8')) as Record<string, Record<ProfileName, { threshold: number }>>;
  const scores = Object.fromEntries(PROFILE_NAMES.map((p) => [p, [] as FileScore[]])) as ProfileScores;
  for (const file of files) {
    const lines = gunzipSync(readFileSync(join(dir, 'results', detector, CATEGORY, `${file.name}.gz`))).toString('utf8').trim().split('\n').slice(1);
    const times = lines.map((l) => parseTimestamp(l.split(',')[0]));
    const values = lines.map((l) => Number(l.split(',')[1]));
    for (const p of PROFILE_NAMES) scores[p].push(scoreFile(times, values.map((v) => v >= thresholds[detector][p].threshold), file.windows, PROFILES[p]));
  }
  return scores;
}

/**
 * What the backtest CLI reads: one CSV (one series), a CSV with a `container`
 * column (several), or a folder of CSVs, one per container (named after the
 * file unless it has a `container` column). A `service` column names the
 * container's service; without one each container is its own service.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CsvInputError, parseCsv, type CsvRow } from './csv';

/** One row of one series, in the order it arrived (file order; files in name order). */
export interface SeriesRow extends CsvRow {
  key: string;
  group: string;
}

export interface BacktestInput {
  metrics: string[];
  rows: SeriesRow[];
  /** Whether the output needs a `container` column (more than one series, or the input named it). */
  multi: boolean;
}

/** The key of a single unnamed series. */
export const SINGLE_SERIES = 'series';

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Builds the input from files already read: `[path, text]` pairs, and whether they came from a folder. */
export function inputFromTexts(files: Array<[string, string]>, fromFolder: boolean): BacktestInput {
  if (files.length === 0) throw new Error('no CSV files to read');
  let metrics: string[] | undefined;
  let firstFile = '';
  let named = false;
  const rows: SeriesRow[] = [];
  for (const [path, text] of files) {
    const table = parseCsv(text, path);
    if (!metrics) [metrics, firstFile] = [table.metrics, path];
    const order = table.metrics.map((m) => metrics!.indexOf(m));
    if (table.metrics.length !== metrics.length || order.includes(-1)) {
      throw new CsvInputError(path, 1, `metric columns (${table.metrics.join(',')}) differ from ${firstFile}'s (${metrics.join(',')}); every series needs the same metrics`);
    }
    named ||= table.hasContainer;
    const fallbackKey = fromFolder ? basename(path).replace(/\.csv$/i, '') : SINGLE_SERIES;
    for (const r of table.rows) {
      const values = new Array<number>(metrics.length);
      order.forEach((to, from) => (values[to] = r.values[from]));
      const key = r.container ?? fallbackKey;
      rows.push({ ...r, values, key, group: r.service ?? key });
    }
  }
  const keys = new Set(rows.map((r) => r.key));
  return { metrics: metrics!, rows, multi: named || fromFolder || keys.size > 1 };
}

/** Reads `path`: a CSV file, or a folder whose `*.csv` files are read in name order. */
export function readBacktestInput(path: string): BacktestInput {
  let folder: boolean;
  try {
    folder = statSync(path).isDirectory();
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!folder) return inputFromTexts([[path, readText(path)]], false);
  const files = readdirSync(path).filter((f) => f.toLowerCase().endsWith('.csv')).sort();
  if (files.length === 0) throw new Error(`${path} holds no .csv files`);
  return inputFromTexts(files.map((f) => [join(path, f), readText(join(path, f))]), true);
}

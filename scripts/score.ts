/**
 * npm run --silent score -- --input <file.csv> --output <file.csv>
 *
 * Backtests the embedded detector, with the Lambda's defaults, on a CSV of
 * `timestamp,<metric columns…>`. Writes `timestamp,anomaly_score,is_anomaly,top_metric`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseSeriesCsv, scoreSeries } from '../src/backtest/score-csv';

function main(): void {
  const { values } = parseArgs({ options: { input: { type: 'string' }, output: { type: 'string' } } });
  if (!values.input || !values.output) throw new Error('usage: npm run --silent score -- --input <file.csv> --output <file.csv>');
  let text: string;
  try {
    text = readFileSync(values.input, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${values.input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const series = parseSeriesCsv(text);
  writeFileSync(values.output, scoreSeries(series));
}

try {
  main();
} catch (e) {
  process.stderr.write(`score: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}

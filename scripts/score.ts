/**
 * npm run --silent score -- --input <file.csv | folder> --output <file.csv>
 *
 * Backtests the embedded detector, with the Lambda's defaults, on one series
 * (`timestamp,<metric columns…>`), several (a `container` column, optionally
 * `service`), or a folder of CSVs, one per container. Writes one row per input
 * row; prints one summary line of the input's irregularities on stderr, and a
 * warning for each series too short for the detector to judge.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { backtest, readBacktestInput } from '../src/backtest/score-csv';

function main(): void {
  const { values } = parseArgs({ options: { input: { type: 'string' }, output: { type: 'string' } } });
  if (!values.input || !values.output) throw new Error('usage: npm run --silent score -- --input <file.csv | folder of CSVs> --output <file.csv>');
  const report = backtest(readBacktestInput(values.input));
  writeFileSync(values.output, report.csv);
  process.stderr.write(`score: ${report.summary}\n`);
  for (const w of report.warnings) process.stderr.write(`score: ${w}\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`score: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}

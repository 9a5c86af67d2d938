/**
 * npm run --silent score -- --input <file.csv | folder> --output <file.csv> [--time-zone Europe/Berlin]
 *
 * Backtests the embedded detector, with the Lambda's defaults, on one series
 * (`timestamp,<metric columns…>`), several (a `container` column, optionally
 * `service`), or a folder of CSVs, one per container. Writes one row per input
 * row; prints one summary line of the input's irregularities on stderr, and a
 * warning for each series too short for the detector to judge. `--time-zone`
 * is the environment's `timeZone`: the days and weeks the profiles follow.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { backtest, readBacktestInput } from '../src/backtest/score-csv';

function main(): void {
  const { values } = parseArgs({ options: { input: { type: 'string' }, output: { type: 'string' }, 'time-zone': { type: 'string' } } });
  if (!values.input || !values.output) throw new Error('usage: npm run --silent score -- --input <file.csv | folder of CSVs> --output <file.csv> [--time-zone <IANA zone>]');
  const timeZone = values['time-zone'];
  const report = backtest(readBacktestInput(values.input), timeZone === undefined ? {} : { timeZone });
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

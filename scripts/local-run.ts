/**
 * npm start [-- --cycles N --seed S --env <name> --report <path>]
 *
 * Runs real detection cycles locally on a simulated fleet, with no AWS,
 * Splunk, Dynatrace or Vault account: the same pipeline as the Lambda.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { loadEnvironment } from '../environments';
import { localRun, summaryTable } from '../src/local/run';
import { DEFAULT_DETECTOR_OPTIONS, warmupMsOf } from '../src/detector';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cycles: { type: 'string', default: '96' },
      seed: { type: 'string', default: '1' },
      env: { type: 'string' },
      report: { type: 'string' },
      'history-days': { type: 'string', default: '3' },
    },
  });
  const cycles = Number(values.cycles);
  const seed = Number(values.seed);
  const historyDays = Number(values['history-days']);
  if (!Number.isInteger(cycles) || cycles < 1) throw new Error(`--cycles must be a positive whole number, got ${values.cycles}`);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, got ${values.seed}`);
  const minDays = Math.ceil(warmupMsOf(DEFAULT_DETECTOR_OPTIONS) / 86_400_000);
  if (!Number.isInteger(historyDays) || historyDays < minDays) {
    throw new Error(`--history-days must cover the detector's warm-up (at least ${minDays} days), got ${values['history-days']}`);
  }
  const environment = values.env ? loadEnvironment(values.env) : undefined;
  if (environment && !process.env.VAULT_ADDR) {
    throw new Error(
      `--env ${environment.name}: set VAULT_ADDR and VAULT_TOKEN (the run keeps its credentials in that Vault); its allow-list, steps, cooldown, SPL and selectors then drive the simulated fleet`,
    );
  }
  const workdir = join(process.cwd(), '.local');
  const started = performance.now();
  const result = await localRun({
    cycles,
    seed,
    workdir,
    reportPath: values.report ?? join(workdir, 'report.html'),
    historyDays,
    environment,
    env: process.env,
    print: (line) => console.log(line),
  });
  for (const line of summaryTable(result)) console.log(line);
  const found = result.incidents.filter((i) => i.detectedAtCycle).length;
  console.log('');
  console.log(`${found} of ${result.incidents.length} injected incidents found; ${result.anomalies.length} anomalies in ${cycles} cycles (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  console.log(`archive: ${result.archiveRoot}`);
  console.log(`alerts:  ${result.alertsPath}`);
  console.log(`report:  ${result.reportPath}`);
}

main().catch((e: unknown) => {
  console.error(`npm start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

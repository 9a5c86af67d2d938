import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDuration } from '../../../src/backtest/irregularities';
import { backtest, inputFromTexts, readBacktestInput, warningsFor } from '../../../src/backtest/score-csv';
import { DEFAULT_DETECTOR_OPTIONS } from '../../../src/detector';

const root = join(__dirname, '..', '..', '..');
const t0 = Date.UTC(2014, 1, 14);
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
const value = (i: number, spikeAt?: number) => 40 + 5 * Math.sin(i / 9) + ((i * 7919) % 13) / 13 + (i === spikeAt ? 60 : 0);

function series(n: number, spikeAt?: number): string {
  const lines = ['timestamp,value'];
  for (let i = 0; i < n; i++) lines.push(`${stamp(t0 + i * 300_000)},${value(i, spikeAt).toFixed(3)}`);
  return lines.join('\n') + '\n';
}

const score = (args: string[]) => spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'scripts', 'score.ts'), ...args], { cwd: root, encoding: 'utf8' });

describe('backtest scoring', () => {
  it('writes one row per input row with the exact single-series header, flagging the spike', () => {
    const out = backtest(inputFromTexts([['in.csv', series(700, 650)]], false)).csv.trim().split('\n');
    expect(out[0]).toBe('timestamp,anomaly_score,is_anomaly,top_metric');
    expect(out).toHaveLength(701);
    expect(out[1]).toBe('2014-02-14 00:00:00,0.000000,0,');
    const flagged = out.slice(1).map((l, i) => [i, l.split(',')[2]] as const).filter(([, f]) => f === '1').map(([i]) => i);
    expect(flagged).toContain(650);
    expect(out[651]).toMatch(/^2014-02-16 06:10:00,0\.[5-9]\d+,1,value:high$/);
  });

  it('scores a clock that steps back an hour and carries on (a fall-back): the repeated hour is duplicates, nothing refused', () => {
    const lines = ['timestamp,value'];
    for (let i = 0; i < 200; i++) lines.push(`${stamp(t0 + i * 300_000)},${value(i).toFixed(3)}`);
    for (let i = 188; i < 260; i++) lines.push(`${stamp(t0 + i * 300_000)},${value(i + 5).toFixed(3)}`);
    const report = backtest(inputFromTexts([['in.csv', lines.join('\n')]], false));
    expect(report.csv.trim().split('\n')).toHaveLength(lines.length);
    expect(report.summary).toBe('1 series, 272 rows: 12 duplicates, 0 late, 0 gaps, 0 step changes; step 5m');
  });

  it('reads several containers from a container column, writes container and scope, and keeps input order', () => {
    const lines = ['timestamp,container,service,cpu_pct,net_mbps'];
    for (let i = 0; i < 30; i++) lines.push(`${stamp(t0 + i * 300_000)},api-1,api,${20 + (i % 3)},${10 + (i % 2)}`);
    for (let i = 0; i < 30; i++) lines.push(`${stamp(t0 + i * 300_000)},"api,2",api,${21 + (i % 3)},${11 + (i % 2)}`);
    const input = inputFromTexts([['in.csv', lines.join('\n')]], false);
    expect(input.rows.map((r) => r.group)).toEqual(new Array(60).fill('api'));
    const out = backtest(input).csv.trim().split('\n');
    expect(out[0]).toBe('container,timestamp,anomaly_score,is_anomaly,top_metric,scope');
    expect(out[1]).toBe('api-1,2014-02-14 00:00:00,0.000000,0,,container');
    expect(out[31]).toBe('"api,2",2014-02-14 00:00:00,0.000000,0,,container');
  });

  it('reads a folder as one container per CSV (named after the file), metrics matched by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cad-folder-'));
    writeFileSync(join(dir, 'web-1.csv'), 'timestamp,a,b\n2014-02-14 00:00:00,1,2\n');
    writeFileSync(join(dir, 'web-2.csv'), 'timestamp,b,a\n2014-02-14 00:00:00,20,10\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a series');
    const input = readBacktestInput(dir);
    expect(input.rows.map((r) => [r.key, r.group, r.values])).toEqual([['web-1', 'web-1', [1, 2]], ['web-2', 'web-2', [10, 20]]]);
    writeFileSync(join(dir, 'web-3.csv'), 'timestamp,a,c\n2014-02-14 00:00:00,1,2\n');
    expect(() => readBacktestInput(dir)).toThrow(`${join(dir, 'web-3.csv')}:1: metric columns (a,c) differ from ${join(dir, 'web-1.csv')}'s (a,b)`);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect(() => readBacktestInput(empty)).toThrow('holds no .csv files');
    expect(() => readBacktestInput(join(dir, 'missing.csv'))).toThrow('cannot read');
  });

  it('runs as `npm run --silent score`: the file, a summary line and a warm-up warning on stderr, exit 0', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cad-score-'));
    // One row an hour behind its neighbours, as in NAB's machine_temperature_system_failure.csv.
    const lines = series(50).trim().split('\n');
    lines.splice(31, 0, `${stamp(t0 + 29 * 300_000 - 3_600_000 + 60_000)},41.5`);
    writeFileSync(join(dir, 'in.csv'), lines.join('\n') + '\n');
    const ok = spawnSync('npm', ['run', '--silent', 'score', '--', '--input', join(dir, 'in.csv'), '--output', join(dir, 'out.csv')], { cwd: root, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('');
    expect(ok.stderr.trim().split('\n')).toEqual([
      'score: 1 series, 51 rows: 0 duplicates, 1 late, 0 gaps, 0 step changes; step 5m',
      `score: warning: series "series" spans 4h5m, less than the detector's warm-up of ${formatDuration(DEFAULT_DETECTOR_OPTIONS.warmupMs)}: it is never judged`,
    ]);
    expect(readFileSync(join(dir, 'out.csv'), 'utf8').trim().split('\n')).toHaveLength(52);
  }, 60_000);

  it('warns of a series shorter than the warm-up, and of a longer one the detector never judged', () => {
    const day = 86_400_000;
    const s = (key: string, days: number) => ({ key, rows: 10, duplicates: 0, late: 0, gaps: 0, stepChanges: 0, steps: [], firstMs: 0, lastMs: days * day });
    expect(warningsFor([s('short', 0.5), s('long', 14), s('fine', 3)], new Set(['short', 'fine']), day)).toEqual([
      `warning: series "short" spans 12h, less than the detector's warm-up of 1d: it is never judged`,
      'warning: series "long" never left the detector\'s warm-up in its 10 rows: every score is 0',
    ]);
  });

  it('exits non-zero on bad input, naming the file, the line and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cad-score-'));
    writeFileSync(join(dir, 'bad.csv'), 'timestamp,a\n2014-02-14 00:00:00,x\n');
    const bad = score(['--input', join(dir, 'bad.csv'), '--output', join(dir, 'o.csv')]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toBe(`score: ${join(dir, 'bad.csv')}:2: field "a": "x" is not a number\n`);
    expect(score([]).stderr).toContain('usage: npm run --silent score');
    // The environment's time zone, checked as the detector checks it.
    writeFileSync(join(dir, 'ok.csv'), 'timestamp,a\n2014-02-14 00:00:00,1\n');
    const zone = score(['--input', join(dir, 'ok.csv'), '--output', join(dir, 'o.csv'), '--time-zone', 'Mars/Olympus']);
    expect(zone.status).not.toBe(0);
    expect(zone.stderr).toBe('score: detector option timeZone must be an IANA time zone such as Europe/Berlin, got "Mars/Olympus"\n');
    expect(score(['--input', join(dir, 'ok.csv'), '--output', join(dir, 'o.csv'), '--time-zone', 'Europe/Berlin']).status).toBe(0);
  }, 60_000);
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSeriesCsv, parseTimestamp, scoreSeries } from '../../../src/backtest/score-csv';

const root = join(__dirname, '..', '..', '..');

function series(n: number, spikeAt?: number): string {
  const lines = ['timestamp,value'];
  for (let i = 0; i < n; i++) {
    const t = new Date(Date.UTC(2014, 1, 14) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
    const v = 40 + 5 * Math.sin(i / 9) + ((i * 7919) % 13) / 13 + (i === spikeAt ? 60 : 0);
    lines.push(`${t},${v.toFixed(3)}`);
  }
  return lines.join('\n') + '\n';
}

describe('backtest CSV', () => {
  it('reads space-separated stamps without a zone as UTC, and ISO stamps as written', () => {
    expect(parseTimestamp('2014-02-14 14:30:00')).toBe(Date.UTC(2014, 1, 14, 14, 30));
    expect(parseTimestamp('2014-02-14T14:30:00+01:00')).toBe(Date.UTC(2014, 1, 14, 13, 30));
    expect(parseTimestamp('2014-02-14T14:30:00')).toBe(Date.UTC(2014, 1, 14, 14, 30));
    expect(parseTimestamp('14/02/2014')).toBeNaN();
  });

  it('writes one row per input row with the exact header, flagging the spike', () => {
    const out = scoreSeries(parseSeriesCsv(series(700, 650))).trim().split('\n');
    expect(out[0]).toBe('timestamp,anomaly_score,is_anomaly,top_metric');
    expect(out).toHaveLength(701);
    expect(out[1]).toBe('2014-02-14 00:00:00,0.000000,0,');
    const flagged = out.slice(1).map((l, i) => [i, l.split(',')[2]] as const).filter(([, f]) => f === '1').map(([i]) => i);
    expect(flagged).toContain(650);
    expect(out[651]).toMatch(/^2014-02-16 06:10:00,0\.[5-9]\d+,1,value:high$/);
  });

  it.each([
    ['an empty file', '', 'line 1: the file is empty'],
    ['a missing timestamp column', 'time,value\n', 'line 1: the first column must be "timestamp", found "time"'],
    ['no metric column', 'timestamp\n', 'line 1: no metric columns after "timestamp"'],
    ['a duplicate column', 'timestamp,a,a\n', 'line 1: column "a" appears twice'],
    ['a short row', 'timestamp,a,b\n2014-02-14 00:00:00,1\n', 'line 2: expected 3 fields (timestamp,a,b), found 2'],
    ['a non-numeric value', 'timestamp,a\n2014-02-14 00:00:00,1\n2014-02-14 00:05:00,abc\n', 'line 3: column "a" value "abc" is not a number'],
    ['a bad timestamp', 'timestamp,a\nyesterday,1\n', 'line 2: "yesterday" is not an ISO-8601 timestamp'],
    ['time going backwards', 'timestamp,a\n2014-02-14 00:05:00,1\n2014-02-14 00:00:00,2\n', 'line 3: timestamp 2014-02-14 00:00:00 goes backwards'],
  ])('rejects %s, naming the line', (_what, text, message) => {
    expect(() => parseSeriesCsv(text)).toThrow(message);
  });

  it('runs as `npm run --silent score` with the exact interface and exits non-zero on bad input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cad-score-'));
    writeFileSync(join(dir, 'in.csv'), series(50));
    const ok = spawnSync('npm', ['run', '--silent', 'score', '--', '--input', join(dir, 'in.csv'), '--output', join(dir, 'out.csv')], { cwd: root, encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('');
    expect(readFileSync(join(dir, 'out.csv'), 'utf8').split('\n')[0]).toBe('timestamp,anomaly_score,is_anomaly,top_metric');
    writeFileSync(join(dir, 'bad.csv'), 'timestamp,a\n2014-02-14 00:00:00,x\n');
    const bad = spawnSync('npm', ['run', '--silent', 'score', '--', '--input', join(dir, 'bad.csv'), '--output', join(dir, 'o.csv')], { cwd: root, encoding: 'utf8' });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('score: line 2: column "a" value "x" is not a number');
  }, 60_000);
});

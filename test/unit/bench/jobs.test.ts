import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runJobs, type Job } from '../../../bench/lib/jobs';
import { REPORTING_SEEDS } from '../../../bench/lib/incident-plan';

const root = join(__dirname, '..', '..', '..');

/** Two tiny NAB-shaped series (dataset README layout). */
function tinyNab(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cad-jobs-'));
  mkdirSync(join(dir, 'data', 'realAWSCloudwatch'), { recursive: true });
  mkdirSync(join(dir, 'labels'));
  const stamp = (i: number) => new Date(Date.UTC(2014, 1, 14) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
  for (const name of ['a', 'b']) writeFileSync(join(dir, 'data', 'realAWSCloudwatch', `${name}.csv`), ['timestamp,value', ...Array.from({ length: 60 }, (_, i) => `${stamp(i)},${40 + (i % 7)}`)].join('\n'));
  writeFileSync(join(dir, 'labels', 'combined_windows.json'), JSON.stringify({ 'realAWSCloudwatch/a.csv': [[`${stamp(40)}.000000`, `${stamp(50)}.000000`]] }));
  return dir;
}

describe('evaluation jobs', () => {
  it('give the same results in child processes as in this one, in job order', async () => {
    const dir = tinyNab();
    const jobs: Job[] = [{ kind: 'nab', dir, setting: {} }, { kind: 'nab', dir, setting: { seed: 7 } }, { kind: 'nab', dir, setting: {} }];
    const done: number[] = [];
    const inChildren = await runJobs(jobs, 2, (_, n) => done.push(n));
    expect(inChildren).toEqual(await runJobs(jobs, 1));
    expect(inChildren[0]).toMatchObject({ kind: 'nab', scores: { standard: [{ windows: 1 }, { windows: 0 }] } });
    expect(done).toEqual([1, 2, 3]);
  }, 60_000);

  it('report a failing job with its error', async () => {
    await expect(runJobs([{ kind: 'nab', dir: join(tmpdir(), 'no-such-nab'), setting: {} }], 2)).rejects.toThrow(/failed \(exit 1\): .*no NAB data at/s);
  }, 30_000);
});

describe('npm run bench:incidents', () => {
  it('refuses a reporting seed: those are only for bench:generalize', () => {
    const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'bench', 'incidents.ts'), '--seeds', `1,${REPORTING_SEEDS[0]}`], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`bench:incidents: seed(s) ${REPORTING_SEEDS[0]} are not tuning seeds`);
  }, 30_000);
});

/**
 * The evaluation's independent pieces of work (one NAB setting over the 17
 * files, one incident set or one set of shapes at one step), run in child processes two at a time
 * by default: on a shared 2-core machine the whole run takes half as long.
 * Each piece is deterministic, so the table does not depend on how many run at once.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { DetectorOptions } from '../../src/detector';
import { runIncidentSet, type SetResult } from './incident-run';
import { loadNabFiles, scoreSetting, type ProfileScores } from './nab-data';
import { runShapeSet, type ShapeSetResult } from './shapes-run';

export type Job = { kind: 'nab'; dir: string; setting: Partial<DetectorOptions> } | { kind: 'incidents'; seed: number; stepMinutes: number; layout?: string } | { kind: 'shapes'; seed: number; stepMinutes: number };
export type JobResult = { kind: 'nab'; scores: ProfileScores } | { kind: 'incidents'; set: SetResult } | { kind: 'shapes'; set: ShapeSetResult };

export function runJob(job: Job): JobResult {
  if (job.kind === 'incidents') return { kind: 'incidents', set: runIncidentSet(job.seed, job.stepMinutes, {}, job.layout) };
  if (job.kind === 'shapes') return { kind: 'shapes', set: runShapeSet(job.seed, job.stepMinutes) };
  const files = loadNabFiles(job.dir);
  if (!files) throw new Error(`no NAB data at ${job.dir}`);
  return { kind: 'nab', scores: scoreSetting(files, job.setting) };
}

const root = join(__dirname, '..', '..');

function inChild(job: Job): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(__dirname, 'job-worker.ts'), JSON.stringify(job)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as JobResult) : reject(new Error(`job ${JSON.stringify(job)} failed (exit ${code}): ${err.trim()}`))));
  });
}

/** Runs `jobs` with at most `parallel` at once (1: in this process), results in job order. */
export async function runJobs(jobs: readonly Job[], parallel: number, onDone: (job: Job, done: number) => void = () => undefined): Promise<JobResult[]> {
  const results = new Array<JobResult>(jobs.length);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = parallel <= 1 ? runJob(jobs[i]) : await inChild(jobs[i]);
      onDone(jobs[i], ++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, lane));
  return results;
}

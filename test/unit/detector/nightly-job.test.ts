/**
 * A job every container of a service runs at the same minute (02:00–02:45:
 * disk ×3, CPU +20 points) is a shift the service shares while its profiles
 * learn it, then each container's recurring pattern — not news every night.
 * Bug: adopted at once, the job went into the three containers' levels at
 * its start and out at its end, so no profile ever learned it; its end left
 * them twenty deviations below their baselines for the rest of the shift's
 * three hours, and the service's event was raised every night at 02:00 and
 * again at 05:00 (and container alarms at the job's end).
 * A milder, shorter job (half an hour of CPU ×1.6, disk ×1.5) sits within
 * one hour of the profiles, which can learn only half of it: its members
 * stay two to four deviations out, the peers share it on some nights and
 * not others. Bug: each hour's memory of recurring evidence learned what
 * was left once the peers took the job out, so a night it was shared taught
 * the hour that nothing happens at 02:00 and the next night it was not
 * raised an event or a container alarm (9 to 11 a seed in 8 weeks). The
 * hour now learns the members' evidence on their own residuals.
 */
import { FleetDetector, type DetectorInput } from '../../../src/detector';
import { SeededRandom } from '../../../src/detector/random';

const STEP = 5 * 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 10, 2);
const KEYS = [1, 2, 3].flatMap((i) => [['batch', `batch-${i}`], ['api', `api-${i}`]]);

interface Job {
  hours: number;
  cpu: (cpu: number) => number;
  disk: number;
}
/** 02:00–02:45: disk ×3 and CPU +20 points. */
const HEAVY: Job = { hours: 0.75, cpu: (cpu) => cpu + 20, disk: 3 };
/** 02:00–02:30: CPU ×1.6, disk ×1.5. */
const MILD: Job = { hours: 0.5, cpu: (cpu) => cpu * 1.6, disk: 1.5 };

/** `days` of a fleet with a daily wave; from `jobFromDay` on, every batch container runs the nightly job. Returns each alarm's time, key and scope. */
function run(jobFromDay: number, job = HEAVY, seed = 7, days = 8): Array<{ t: number; key: string; scope: string }> {
  const rng = new SeededRandom(seed);
  const detector = FleetDetector.create();
  const alarms: Array<{ t: number; key: string; scope: string }> = [];
  for (let t = START; t < START + days * DAY; t += STEP) {
    const hour = ((t - START) % DAY) / HOUR;
    const wave = 1 + 0.4 * Math.sin((2 * Math.PI * (hour - 8)) / 24);
    const jobRuns = hour >= 2 && hour < 2 + job.hours && t >= START + jobFromDay * DAY;
    const inputs: DetectorInput[] = KEYS.map(([group, key]) => {
      const running = group === 'batch' && jobRuns;
      const traffic = 40 * wave * (1 + 0.05 * rng.normal());
      const cpu = (running ? job.cpu : (c: number) => c)(0.8 * traffic + 2 * rng.normal());
      const disk = 150 * wave * (1 + 0.05 * rng.normal()) * (running ? job.disk : 1);
      return { key, group, timestampMs: t, values: [cpu, 50 + rng.normal(), traffic * 0.4, disk] };
    });
    detector.updateBatch(inputs).forEach((v, i) => v.isAnomaly && alarms.push({ t, key: inputs[i].key, scope: v.scope }));
  }
  return alarms;
}

const hourOf = (t: number) => Math.floor(((t - START) % DAY) / HOUR);
const batch = (alarms: ReturnType<typeof run>) => alarms.filter((a) => a.key.startsWith('batch-'));
/** From the job's end (02:45) to 06:00: where its end, and the shift's memory running out, raised alarms and events. */
const afterJob = (t: number) => ((t - START) % DAY) / HOUR >= 2.75 && hourOf(t) < 6;

describe('a nightly job a whole service runs', () => {
  it("that starts after warm-up is the service's event at its start on the nights its profiles learn it: one a night, never a container alarm, nothing after it", () => {
    const atJob = batch(run(3)).filter((a) => hourOf(a.t) === 2 || afterJob(a.t));
    expect(atJob.length).toBeGreaterThan(0);
    expect(atJob.filter((a) => afterJob(a.t) || a.scope !== 'service')).toEqual([]);
    expect(new Set(atJob.map((a) => Math.floor((a.t - START) / DAY))).size).toBe(atJob.length);
  });

  it('that runs from the first night is learned in the warm-up: at most one night raises anything at its hour', () => {
    const atJob = batch(run(0)).filter((a) => hourOf(a.t) === 2 || afterJob(a.t));
    // Before: anything on every night but one, and events at 05:00 and 08:00 as the shift's memory ran out.
    expect(new Set(atJob.map((a) => Math.floor((a.t - START) / DAY))).size).toBeLessThanOrEqual(1);
  });

  it('that is milder and shorter than an hour is expected at the hour it runs in: after its first week, no event at its hour, at most one night with anything', () => {
    // Before (noise seed 3): the service's event on nights 7 and 9, and a container alarm on night 11; now that alarm alone.
    const late = batch(run(0, MILD, 3, 14)).filter((a) => a.t >= START + 7 * DAY && hourOf(a.t) >= 2 && hourOf(a.t) < 4);
    expect(late.filter((a) => a.scope !== 'container')).toEqual([]);
    expect(new Set(late.map((a) => Math.floor((a.t - START) / DAY))).size).toBeLessThanOrEqual(1);
  });
});

import { FleetDetector } from '../../../src/detector';
import { TailCalibrator } from '../../../src/detector/calibration';
import { SeededRandom } from '../../../src/detector/random';
import { DailyPeaks } from '../../../src/detector/recurrence';
import { Slab } from '../../../src/detector/slab';
import { localClock } from '../../../src/detector/time';

const utc = localClock('UTC');

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STEP = 300_000;
const START = Date.UTC(2026, 10, 2);
const peaks = () => new DailyPeaks(new Slab(Slab.measure((s) => new DailyPeaks(s))));
const calibrator = () => new TailCalibrator(new Slab(Slab.measure((s) => new TailCalibrator(s, utc))), utc);
const at = (day: number, hour: number) => START + day * DAY + hour * HOUR;

describe('evidence that recurs at an hour of the day', () => {
  it("keeps each hour's peak per day and expects the median of the last three days' beyond what nine in ten hours reach, today's apart", () => {
    const p = peaks();
    // Every hour of every day peaks at 1 (log-evidence); 03:xx also at 4 on day 0, 2 on day 1, 9 on day 2.
    const ordinaryDay = (day: number) => {
      for (let h = 0; h < 24; h++) p.learn(1, at(day, h + 0.5));
    };
    ordinaryDay(0);
    p.learn(4, at(0, 3.5));
    // One day says nothing: it may have been an incident.
    expect(p.excess(at(1, 3.2))).toBe(0);
    ordinaryDay(1);
    p.learn(2, at(1, 3.2));
    // Two days: the lower of their peaks (a day that reached nothing at that hour counts as nothing), above the ordinary 1.
    expect(p.excess(at(2, 3.9))).toBe(1);
    ordinaryDay(2);
    p.learn(9, at(2, 3.1));
    // Three days (4, 2, 9): the median, so the one day at 9 does not make 9 ordinary.
    expect(p.excess(at(3, 3))).toBe(3);
    // Today's peak is never judged: an incident in progress does not explain itself.
    p.learn(50, at(3, 3.2));
    expect(p.excess(at(3, 3.4))).toBe(3);
    // Another hour has nothing beyond the ordinary.
    expect(p.excess(at(3, 4))).toBe(0);
    // A week later the old days are gone (their slots held other days).
    expect(p.excess(at(10, 3))).toBe(0);
  });

  it('gives no excess where the hours are merely noisy, at any step', () => {
    for (const step of [60_000, 300_000, 3_600_000]) {
      const p = peaks();
      const rng = new SeededRandom(9);
      let evidence = 1;
      let discounted = 0;
      let hours = 0;
      // Smoothed noise, as the evidence is (a quarter-hour average): its samples are far from independent at 1-minute steps.
      for (let t = START; t < START + 20 * DAY; t += step) {
        evidence += Math.min(1, step / 900_000) * (1 + 0.3 * rng.normal() - evidence);
        if ((t - START) % HOUR === 0 && t >= START + 3 * DAY) {
          hours++;
          if (p.excess(t) > 0) discounted++;
        }
        p.learn(evidence, t);
      }
      // The median of three ordinary peaks passes nine in ten of them 2.8% of the time.
      expect(discounted / hours).toBeLessThan(0.06);
    }
  });

  it('expects evidence at an hour where it came back on most of the last days, and nowhere else', () => {
    const c = calibrator();
    const rng = new SeededRandom(3);
    let t = START;
    const spike = Math.exp(6) - 1;
    for (let day = 0; day < 5; day++) {
      for (let i = 0; i < DAY / STEP; i++, t += STEP) {
        // Every night at 03:10 the same strong evidence (a cron's burst); on day 1 alone, another at 14:00.
        const nightly = i === (3 * HOUR + 10 * 60_000) / STEP;
        const once = day === 1 && i === (14 * HOUR) / STEP;
        const evidence = nightly || once ? spike : Math.exp(1 + 0.3 * rng.normal()) - 1;
        c.learn(evidence, 0.002);
        c.learnHour(evidence, t);
      }
    }
    // At 03:xx the burst is as probable as nine in ten of the hours' ordinary peaks; at 14:00, seen once, it is as improbable as anywhere.
    expect(c.probability(spike, c.excess(at(5, 3.2)))).toBeGreaterThan(1e-3);
    expect(c.probability(spike, c.excess(at(5, 14)))).toBeLessThan(1e-6);
    expect(c.threshold(1e-4, c.excess(at(5, 3.2)))).toBeGreaterThan(spike);
  });

  it("stops raising a cron's nightly one-sample spike within its first three nights, and still raises the same spike at another hour", () => {
    const d = FleetDetector.create({ dimensions: 1 });
    const rng = new SeededRandom(5);
    const alarmsByDay = new Array<number>(8).fill(0);
    let offHour = 0;
    for (let i = 0; i < (8 * DAY) / STEP; i++) {
      const t = START + i * STEP;
      const day = Math.floor(i / (DAY / STEP));
      const minute = (i % (DAY / STEP)) * 5;
      // A flat series with a one-sample spike at 03:10 every night, like NAB's ec2_cpu_utilization_c6585a, and on day 7 the same spike at 15:00.
      const spike = minute === 190 || (day === 7 && minute === 900);
      const detection = d.update('cron', 'svc', t, [10 + 0.3 * rng.normal() + (spike ? 15 : 0)]);
      if (detection.isAnomaly && minute === 900) offHour++;
      else if (detection.isAnomaly && minute >= 180 && minute < 240) alarmsByDay[day]++;
    }
    // Judged from day 1 (a day's warm-up); from the fourth night on, three nights have shown the spike is that hour's.
    expect(alarmsByDay.slice(4)).toEqual([0, 0, 0, 0]);
    expect(alarmsByDay.slice(1, 4).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(offHour).toBe(1);
  });
});

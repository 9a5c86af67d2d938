import { FleetDetector } from '../../../src/detector';
import { TailCalibrator } from '../../../src/detector/calibration';
import { SeededRandom } from '../../../src/detector/random';
import { DailyPeaks } from '../../../src/detector/recurrence';
import { Slab } from '../../../src/detector/slab';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STEP = 300_000;
const START = Date.UTC(2026, 10, 2);
const peaks = () => new DailyPeaks(new Slab(Slab.measure((s) => new DailyPeaks(s))));
const calibrator = () => new TailCalibrator(new Slab(Slab.measure((s) => new TailCalibrator(s))));
const at = (day: number, hour: number) => START + day * DAY + hour * HOUR;

describe('evidence that recurs at an hour of the day', () => {
  it("keeps each hour's peak per day and gives the median of the last three days, today's apart", () => {
    const p = peaks();
    p.learn(1, at(0, 3.1));
    p.learn(4, at(0, 3.5));
    // One day says nothing: it may have been an incident.
    expect(p.recurring(at(1, 3.2))).toBeUndefined();
    p.learn(2, at(1, 3.2));
    // Two days: the lower of their peaks (a day that reached nothing counts as nothing).
    expect(p.recurring(at(2, 3.9))).toBe(2);
    p.learn(9, at(2, 3.1));
    // Three days (4, 2, 9): the median, so the one day at 9 does not make 9 ordinary.
    expect(p.recurring(at(3, 3))).toBe(4);
    // Today's peak is never judged: an incident in progress does not explain itself.
    p.learn(50, at(3, 3.2));
    expect(p.recurring(at(3, 3.4))).toBe(4);
    // Another hour has seen nothing.
    expect(p.recurring(at(3, 4))).toBeUndefined();
    // A week later the old days are gone (their slots held other days).
    expect(p.recurring(at(10, 3))).toBeUndefined();
  });

  it('expects evidence at an hour where it came back on most of the last days, and nowhere else', () => {
    const c = calibrator();
    const rng = new SeededRandom(3);
    const looksPerHour = 4;
    let t = START;
    const spike = Math.exp(6) - 1;
    for (let day = 0; day < 5; day++) {
      for (let i = 0; i < DAY / STEP; i++, t += STEP) {
        // Every night at 03:10 the same strong evidence (a cron's burst); on day 1 alone, another at 14:00.
        const nightly = i === (3 * HOUR + 10 * 60_000) / STEP;
        const once = day === 1 && i === (14 * HOUR) / STEP;
        c.learn(nightly || once ? spike : Math.exp(1 + 0.3 * rng.normal()) - 1, 0.002, t);
      }
    }
    // The ordinary hours' peaks give no excess.
    for (let hour = 0; hour < 24; hour++) if (hour !== 3) expect(c.excess(at(5, hour + 0.5), looksPerHour)).toBe(0);
    // At 03:xx the burst is as probable as an ordinary hour's peak nine times in ten (1 − 0.9^¼ a look);
    // at 14:00, seen once, it is as improbable as anywhere.
    expect(c.probability(spike, c.excess(at(5, 3.2), looksPerHour))).toBeCloseTo(1 - 0.9 ** 0.25, 2);
    expect(c.probability(spike, c.excess(at(5, 14), looksPerHour))).toBeLessThan(1e-6);
    expect(c.threshold(1e-4, c.excess(at(5, 3.2), looksPerHour))).toBeGreaterThan(spike);
  });

  it("stops raising a cron's nightly one-sample spike after its third night, and still raises the same spike at another hour", () => {
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

import { FleetDetector, resolveOptions } from '../../../src/detector';
import { normalQuantileAbove, normalTail, TailCalibrator } from '../../../src/detector/calibration';
import { isUnusual, riskPerSample } from '../../../src/detector/detection';
import { Episodes, leadingMetric, withinEpisode } from '../../../src/detector/episodes';
import { DEFAULT_DETECTOR_OPTIONS } from '../../../src/detector/defaults';
import { SeededRandom } from '../../../src/detector/random';
import { Slab } from '../../../src/detector/slab';
import { localClock } from '../../../src/detector/time';

const utc = localClock('UTC');

const calibrator = () => new TailCalibrator(new Slab(Slab.measure((s) => new TailCalibrator(s, utc))), utc);

describe('calibration and decision', () => {
  it('computes the normal tail and its inverse', () => {
    expect(normalTail(0)).toBeCloseTo(0.5, 6);
    expect(normalTail(1.959964)).toBeCloseTo(0.025, 6);
    // Within a percent down to the risks in use (a per-minute risk of a hundredth per day is 7e-6).
    for (const p of [0.3, 1e-3, 3.5e-5, 1e-7]) expect(Math.abs(normalTail(normalQuantileAbove(p)) / p - 1)).toBeLessThan(0.01);
  });

  it('turns evidence into the tail probability of the key’s own recent behaviour, and its threshold back', () => {
    const c = calibrator();
    const rng = new SeededRandom(2);
    for (let i = 0; i < 2000; i++) c.learn(Math.exp(1.5 + 0.3 * rng.normal()) - 1, 0.01);
    expect(c.probability(c.threshold(1e-4)) / 1e-4).toBeCloseTo(1, 2);
    expect(c.probability(Math.exp(1.5) - 1)).toBeGreaterThan(0.3);
    expect(c.probability(Math.exp(1.5 + 0.3 * 5) - 1)).toBeLessThan(1e-5);
  });

  it('learns an alarm only up to the threshold it crossed: one outlier does not widen the tail, a recurring one does', () => {
    const settled = () => {
      const c = calibrator();
      for (let i = 0; i < 200; i++) c.learn(5 + (i % 3), 0.05);
      return c;
    };
    const clipped = settled();
    const unclipped = settled();
    const threshold = clipped.threshold(1e-4);
    clipped.learn(500, 0.05, threshold);
    unclipped.learn(500, 0.05);
    expect(clipped.threshold(1e-4)).toBeLessThan(unclipped.threshold(1e-4));
    // The running average keeps the whole evidence.
    expect(clipped.evidence(5, 900_000, 900_000)).toBeCloseTo(252.5);
    // A nightly spike, raised each night at the threshold it crossed, raises that threshold a little each time.
    const nightly = settled();
    const keptOut = settled();
    for (let night = 0; night < 5; night++) {
      for (let i = 0; i < 287; i++) {
        nightly.learn(5 + (i % 3), 0.002);
        keptOut.learn(5 + (i % 3), 0.002);
      }
      nightly.learn(500, 0.002, nightly.threshold(1e-4));
    }
    expect(nightly.threshold(1e-4)).toBeGreaterThan(keptOut.threshold(1e-4));
  });

  it('keeps one risk per day whatever the step, and decides in one rule', () => {
    const o = resolveOptions();
    // One look per evidence half-life at most: samples closer than that share their evidence.
    const looksPerDay = 86_400_000 / o.evidenceHalfLifeMs;
    expect(riskPerSample(o, 60_000) * looksPerDay).toBeCloseTo(o.dailyRisk);
    expect(riskPerSample(o, 300_000)).toBe(riskPerSample(o, 60_000));
    expect(riskPerSample(o, 3_600_000) * 24).toBeCloseTo(o.dailyRisk);
    expect([isUnusual(1e-6, 1e-5, false), isUnusual(1e-6, 1e-5, true), isUnusual(1e-4, 1e-5, false)]).toEqual([true, false, false]);
  });

  it('raises a lasting incident at its onset and once more at most, not once an hour; a new one after an hour of calm', () => {
    const d = FleetDetector.create({ dimensions: 1, trees: 8, sampleSize: 32 });
    const rng = new SeededRandom(4);
    const start = Date.UTC(2026, 10, 2);
    const alarms: number[] = [];
    // Four hours at a new level from day 2 (the baseline moves to it, the return is a departure too), then a day later an hour far beyond it.
    const level = (i: number) => (i >= 2 * 288 && i < 2 * 288 + 48 ? 80 : i >= 3 * 288 && i < 3 * 288 + 12 ? 140 : 50);
    for (let i = 0; i < 4 * 288; i++) {
      if (d.update('s', 's', start + i * 300_000, [level(i) + rng.normal()]).isAnomaly) alarms.push(i);
    }
    // Raised within its first quarter hour, and again only once it stood half again as far beyond its threshold (an alarm an hour was four or five).
    const first = alarms.filter((i) => i < 3 * 288);
    expect(first.length).toBeGreaterThanOrEqual(1);
    expect(first.length).toBeLessThanOrEqual(2);
    expect(first[0]).toBeGreaterThanOrEqual(2 * 288);
    expect(first[0]).toBeLessThan(2 * 288 + 3);
    const second = alarms.filter((i) => i >= 3 * 288);
    expect(second).toHaveLength(1);
    expect(second[0]).toBeLessThan(3 * 288 + 3);
  });

  it('an incident that grows is raised again, with its new strength, an episode after it was first raised', () => {
    // The default forest: a small one's scores saturate before the incident has grown.
    const d = FleetDetector.create({ dimensions: 1 });
    const rng = new SeededRandom(7);
    const start = Date.UTC(2026, 10, 2);
    const alarms: Array<{ at: number; ratio: number }> = [];
    for (let i = 0; i < 3 * 288; i++) {
      // From day 2, an hour eight deviations up, then an hour forty up: the incident got worse while it lasted.
      const worse = i < 2 * 288 ? 0 : i < 2 * 288 + 12 ? 8 : i < 2 * 288 + 24 ? 40 : 0;
      const r = d.update('s', 's', start + i * 300_000, [50 + worse + rng.normal()]);
      if (r.isAnomaly) alarms.push({ at: i - 2 * 288, ratio: r.score / r.threshold });
    }
    expect(alarms.length).toBeGreaterThanOrEqual(2);
    expect(alarms[1].at - alarms[0].at).toBeGreaterThanOrEqual(12);
    expect(alarms[1].ratio).toBeGreaterThanOrEqual(1.5 * alarms[0].ratio);
  });

  it('escalates an episode once: a sample every five minutes, unusual throughout, growing tenfold an hour', () => {
    const o = DEFAULT_DETECTOR_OPTIONS;
    const e = new Episodes(2);
    const hour = 3_600_000;
    const raisedAt: number[] = [];
    for (let t = 0; t <= 4 * hour; t += 300_000) {
      const ratio = 1.1 * 10 ** (t / hour);
      if (e.news(0, t, true, ratio, true, o)) raisedAt.push(t);
    }
    // At its onset, and once grown half again an episode later; never every hour after.
    expect(raisedAt).toEqual([0, hour]);
    // Another metric's episode is its own, and after an hour's calm the first metric's is new.
    expect(e.news(1, 4 * hour, true, 1.1, false, o)).toBe(true);
    expect(e.news(0, 5 * hour + 1, true, 1.1, false, o)).toBe(true);
  });

  it('an episode is its leading metric’s: another metric’s incident within a level shift’s stretch is raised on its own', () => {
    const d = FleetDetector.create({ dimensions: 2, trees: 8, sampleSize: 32, loadRelation: null });
    const rng = new SeededRandom(6);
    const start = Date.UTC(2026, 10, 2);
    const alarms: Array<{ at: number; lead: number }> = [];
    for (let i = 0; i < 3 * 288; i++) {
      // Metric 0 moves 30 deviations for good on day 2; metric 1 has an hour's incident two hours later, while metric 0 is still being learned.
      const values = [50 + (i >= 2 * 288 ? 30 : 0) + rng.normal(), 50 + (i >= 2 * 288 + 24 && i < 2 * 288 + 36 ? 15 : 0) + rng.normal()];
      const r = d.update('s', 's', start + i * 300_000, values);
      if (r.isAnomaly) alarms.push({ at: i - 2 * 288, lead: leadingMetric(r.attribution) });
    }
    expect(alarms).toEqual([
      { at: 0, lead: 0 },
      { at: 24, lead: 1 },
    ]);
  });

  it('an hour-long episode covers the next hourly sample: an incident of three samples at 60-minute steps is one alarm', () => {
    const d = FleetDetector.create({ dimensions: 1, trees: 8, sampleSize: 32 });
    const rng = new SeededRandom(5);
    const start = Date.UTC(2026, 10, 2);
    const alarms: number[] = [];
    for (let i = 0; i < 8 * 24; i++) {
      const incident = i >= 6 * 24 + 10 && i < 6 * 24 + 13;
      if (d.update('s', 's', start + i * 3_600_000, [(incident ? 90 : 50) + rng.normal()]).isAnomaly) alarms.push(i);
    }
    expect(alarms).toEqual([6 * 24 + 10]);
    expect(withinEpisode(3_600_000, DEFAULT_DETECTOR_OPTIONS)).toBe(true);
    expect(withinEpisode(3_600_001, DEFAULT_DETECTOR_OPTIONS)).toBe(false);
  });
});

import { FleetDetector, resolveOptions } from '../../../src/detector';
import { normalQuantileAbove, normalTail, TailCalibrator } from '../../../src/detector/calibration';
import { isAlarm, riskPerSample } from '../../../src/detector/detection';
import { SeededRandom } from '../../../src/detector/random';
import { Slab } from '../../../src/detector/slab';

const calibrator = () => new TailCalibrator(new Slab(Slab.measure((s) => new TailCalibrator(s))));

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
    for (let i = 0; i < 2000; i++) c.learn(Math.exp(1.5 + 0.3 * rng.normal()) - 1, 0.01, false);
    expect(c.probability(c.threshold(1e-4)) / 1e-4).toBeCloseTo(1, 2);
    expect(c.probability(Math.exp(1.5) - 1)).toBeGreaterThan(0.3);
    expect(c.probability(Math.exp(1.5 + 0.3 * 5) - 1)).toBeLessThan(1e-5);
  });

  it('does not learn the evidence of an alarm (as in SPOT), only keeps it as the running average', () => {
    const c = calibrator();
    for (let i = 0; i < 100; i++) c.learn(5, 0.05, false);
    const before = c.threshold(1e-4);
    c.learn(500, 0.05, true);
    expect(c.threshold(1e-4)).toBe(before);
    expect(c.evidence(5, 900_000, 900_000)).toBeCloseTo(252.5);
  });

  it('keeps one risk per day whatever the step, and decides in one rule', () => {
    const o = resolveOptions();
    expect(riskPerSample(o, 60_000) * 1440).toBeCloseTo(o.dailyRisk);
    expect(riskPerSample(o, 3_600_000) * 24).toBeCloseTo(o.dailyRisk);
    expect([isAlarm(1e-6, 1e-5, false, false), isAlarm(1e-6, 1e-5, true, false), isAlarm(1e-6, 1e-5, false, true), isAlarm(1e-4, 1e-5, false, false)]).toEqual([true, false, false, false]);
  });

  it('raises a lasting incident once per episode, not on every sample', () => {
    const d = FleetDetector.create({ dimensions: 1, trees: 8, sampleSize: 32 });
    const rng = new SeededRandom(4);
    const start = Date.UTC(2026, 10, 2);
    const alarms: number[] = [];
    for (let i = 0; i < 3 * 288; i++) {
      const incident = i >= 2 * 288 && i < 2 * 288 + 24;
      if (d.update('s', 's', start + i * 300_000, [(incident ? 80 : 50) + rng.normal()]).isAnomaly) alarms.push(i);
    }
    // Two hours of incident, an hour's episode: raised at its start and at most once more.
    expect(alarms.length).toBeGreaterThanOrEqual(1);
    expect(alarms.length).toBeLessThanOrEqual(2);
    expect(alarms[0]).toBeGreaterThanOrEqual(2 * 288);
    expect(alarms[0]).toBeLessThan(2 * 288 + 3);
  });
});

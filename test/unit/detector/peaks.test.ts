import { FleetDetector } from '../../../src/detector';
import { DAY_MS, WEEK_MS } from '../../../src/detector/defaults';
import { keyProbability, riskPerSample, samplesPerLook, withTail } from '../../../src/detector/detection';
import type { KeyModel } from '../../../src/detector/key-model';
import { fitExcesses, PeakTail, tailProbability, type PeakFit } from '../../../src/detector/peaks';
import { SeededRandom } from '../../../src/detector/random';
import { Slab } from '../../../src/detector/slab';
import { resolveOptions } from '../../../src/detector/defaults';

const STEP = 300_000;
const DAY_ROWS = 288;
const START = Date.UTC(2026, 10, 2);

function tail(dims = 1): PeakTail {
  return new PeakTail(dims, new Slab(Slab.measure((s) => new PeakTail(dims, s))));
}

/**
 * A spiky series as NAB's disk and network files are: near zero, with
 * bursts that reach `spike` (± 5%) a few times a day, at random moments.
 */
function spiky(rng: SeededRandom, spike: number): number {
  return rng.next() < 0.03 ? spike * (0.95 + 0.1 * rng.next()) * (0.5 + 0.5 * rng.next()) : rng.next();
}

describe('fitExcesses (generalised Pareto by the method of moments)', () => {
  it('finds the exponential tail (shape 0) of exponential excesses, and its scale', () => {
    const rng = new SeededRandom(3);
    const excesses = Array.from({ length: 20_000 }, () => -2 * Math.log(1 - rng.next()));
    const { shape, scale } = fitExcesses(excesses, 0);
    expect(Math.abs(shape)).toBeLessThan(0.05);
    expect(scale).toBeCloseTo(2, 0);
  });

  it('finds the bounded tail of uniform excesses (shape −1), taken one standard error heavier', () => {
    const excesses = Array.from({ length: 1001 }, (_, i) => i / 100);
    const { shape, scale } = fitExcesses(excesses, 0);
    // Hosking & Wallis: the estimate's variance at ξ = −1 is 14.4 / n.
    expect(shape).toBeCloseTo(-1 + Math.sqrt(14.4 / 1001), 2);
    // The mean excess (5) is kept: σ = m (1 − ξ).
    expect(scale).toBeCloseTo(5 * (1 - shape), 6);
  });

  it('does not call a value just above peaks all alike impossible (an integer metric’s ties): few peaks, a wide error', () => {
    const fit: PeakFit = { threshold: 4, rate: 12 / 2016, ...fitExcesses(new Array(12).fill(1), 1.2) };
    expect(fit.shape).toBeGreaterThan(0);
    expect(tailProbability(fit, 6)).toBeGreaterThan(1e-4);
  });

  it('never fits a scale below the floor: peaks all alike do not make the next ripple impossible', () => {
    const { scale } = fitExcesses([1, 1, 1, 1], 5);
    expect(scale).toBe(5);
  });
});

describe('the fitted tail’s calibration on excesses that truly follow a generalised Pareto tail', () => {
  // A week's peaks at 5-minute steps (41), then one more excess: how often is it called as rare as one metric's
  // share of the risk at 5-minute steps (risk / (2 · 4 metrics · 3 samples a look), given the 2% that exceed)?
  const alpha = (0.01 * 15) / 1440 / 24 / 0.02;
  const draw = (rng: SeededRandom, xi: number) => {
    const u = 1 - rng.next();
    return xi === 0 ? -Math.log(u) : (u ** -xi - 1) / xi;
  };
  it.each([-0.3, 0, 0.2])('shape %p: within a few times its share (the moment estimate alone is 25–47 times over)', (xi) => {
    const rng = new SeededRandom(17);
    const trials = 20_000;
    let rare = 0;
    for (let k = 0; k < trials; k++) {
      const fit = fitExcesses(Array.from({ length: 41 }, () => draw(rng, xi)), 0);
      if (tailProbability({ threshold: 0, rate: 1, ...fit }, draw(rng, xi)) < alpha) rare++;
    }
    // Measured 0.5–7 times the share (documented in fitExcesses); the bound catches a fit that loses its widening.
    expect(rare / trials).toBeLessThan(10 * alpha);
  });
});

describe('tailProbability', () => {
  const fit: PeakFit = { threshold: 10, rate: 0.02, shape: -0.5, scale: 4 };
  it('is 1 at or below the threshold, the rate just above it, 0 beyond a bounded tail’s end', () => {
    expect(tailProbability(fit, 9)).toBe(1);
    expect(tailProbability(fit, 10)).toBe(1);
    expect(tailProbability(fit, 10.0001)).toBeCloseTo(0.02, 4);
    // Shape −0.5, scale 4: the tail ends 8 above the threshold.
    expect(tailProbability(fit, 18.5)).toBe(0);
  });
  it('falls exponentially for shape 0', () => {
    expect(tailProbability({ ...fit, shape: 0 }, 14)).toBeCloseTo(0.02 * Math.exp(-1), 6);
  });
});

describe('PeakTail', () => {
  const o = resolveOptions({ dimensions: 1 });

  it('is not judged before it has seen a warm-up of its own, nor with too few peaks', () => {
    const t = tail();
    for (let i = 0; i < 5; i++) t.learn([i], START + i * STEP, WEEK_MS);
    expect(t.fit(0, START + 5 * STEP, WEEK_MS, o.warmupMs, 1)).toBeNull();
    expect(t.fit(0, START + DAY_MS, WEEK_MS, o.warmupMs, 1)).toBeNull();
  });

  it('calls a burst a third beyond every burst of the week improbable, and one like them ordinary', () => {
    const rng = new SeededRandom(7);
    const t = tail();
    for (let i = 0; i < 7 * DAY_ROWS; i++) t.learn([spiky(rng, 100)], START + i * STEP, WEEK_MS);
    const fit = t.fit(0, START + 7 * DAY_MS, WEEK_MS, o.warmupMs, 1);
    expect(fit).not.toBeNull();
    expect(tailProbability(fit!, 130)).toBeLessThan(1e-5);
    // One metric's tail, spread over the three samples of a 15-minute look, keeps the key above its risk.
    expect(keyProbability(1, tailProbability(fit!, 100), 1, 3).probability).toBeGreaterThan(riskPerSample(o, STEP));
  });

  it('counts its peaks only where it kept every value: a day of many bursts does not pull the threshold into the quiet days', () => {
    const t = tail();
    // One day with 60 bursts at 90–100, six quiet days at 0–1.
    const rng = new SeededRandom(11);
    for (let i = 0; i < 7 * DAY_ROWS; i++) {
      const v = i < DAY_ROWS && i % 4 === 0 && i < 240 ? 90 + 10 * rng.next() : rng.next();
      t.learn([v], START + i * STEP, WEEK_MS);
    }
    const fit = t.fit(0, START + 7 * DAY_MS - STEP, WEEK_MS, o.warmupMs, 0.1);
    // The busy day kept only its 8 highest: below the lowest of them, the values it did not keep are unknown.
    expect(fit === null || fit.threshold >= 90).toBe(true);
  });

  it('forgets blocks older than the window: a week later, last week’s bursts are not the range', () => {
    const rng = new SeededRandom(5);
    const t = tail();
    for (let i = 0; i < 7 * DAY_ROWS; i++) t.learn([spiky(rng, 1000)], START + i * STEP, WEEK_MS);
    for (let i = 7 * DAY_ROWS; i < 14 * DAY_ROWS; i++) t.learn([spiky(rng, 10)], START + i * STEP, WEEK_MS);
    const fit = t.fit(0, START + 14 * DAY_MS, WEEK_MS, o.warmupMs, 0.1);
    expect(tailProbability(fit!, 500)).toBeLessThan(1e-6);
  });

  it('judges an hourly series from ten peaks among 50 samples (its third day), not from a quarter of 40', () => {
    const rng = new SeededRandom(13);
    const t = tail();
    const HOUR = 3_600_000;
    for (let i = 0; i < 40; i++) t.learn([50 + 10 * rng.next()], START + i * HOUR, WEEK_MS);
    expect(t.fit(0, START + 40 * HOUR, WEEK_MS, o.warmupMs, 1)).toBeNull();
    for (let i = 40; i < 60; i++) t.learn([50 + 10 * rng.next()], START + i * HOUR, WEEK_MS);
    const fit = t.fit(0, START + 60 * HOUR, WEEK_MS, o.warmupMs, 1);
    expect(fit).not.toBeNull();
    expect(fit!.rate).toBeCloseTo(10 / 60, 6);
  });

  it('forgets everything on clear', () => {
    const t = tail();
    for (let i = 0; i < 2 * DAY_ROWS; i++) t.learn([i % 50], START + i * STEP, WEEK_MS);
    expect(t.fit(0, START + 2 * DAY_MS, WEEK_MS, o.warmupMs, 1)).not.toBeNull();
    t.clear();
    expect(t.fit(0, START + 2 * DAY_MS, WEEK_MS, o.warmupMs, 1)).toBeNull();
  });
});

describe('the risk shared by the forest and the tails', () => {
  const o = resolveOptions({});
  it('spreads a tail’s per-sample chance over a look: three 5-minute samples in the 15-minute evidence, one hourly', () => {
    expect(samplesPerLook(o, 5 * 60_000)).toBe(3);
    expect(samplesPerLook(o, 60 * 60_000)).toBe(1);
    expect(samplesPerLook(o, 0)).toBe(Number.POSITIVE_INFINITY);
  });
  it('gives each test its share of the risk (a union bound), never more than 1', () => {
    expect(keyProbability(0.001, 1, 4, 3).probability).toBeCloseTo(0.002, 9);
    expect(keyProbability(1, 1e-5, 4, 3).probability).toBeCloseTo(2 * 4 * 3 * 1e-5, 9);
    expect(keyProbability(1, 1, 4, Number.POSITIVE_INFINITY).probability).toBe(1);
  });
  it('splits the risk only among the tests made: with no tail judged yet, the forest has all of it', () => {
    expect(keyProbability(0.001, 1, 0, 3).probability).toBe(0.001);
  });
  it('names the metric whose tail decided, whatever the forest pointed at', () => {
    const a = withTail({ high: [3, 0], low: [0, 1] }, Float64Array.from([1, 1e-7]), true);
    expect(a.high[1]).toBeGreaterThanOrEqual(a.high[0] + a.low[1]);
    const kept = withTail({ high: [3, 0], low: [0, 1] }, Float64Array.from([1, 1e-7]), false);
    expect(kept.high).toEqual([3, 0]);
  });
});

describe('the tails in the detector', () => {
  it('raises a burst twice as high as every burst of the past days, which the forest (its features clipped) sees as one more burst', () => {
    for (const seed of [1, 2, 3]) {
      const rng = new SeededRandom(seed);
      const d = FleetDetector.create({ dimensions: 1, loadRelation: null, seed });
      const high = 4 * DAY_ROWS - 100;
      let raised = false;
      for (let i = 0; i < high + 5; i++) {
        const { isAnomaly, attribution, score, threshold } = d.update('k', 'g', START + i * STEP, [i === high ? 200 : spiky(rng, 100)]);
        // Raised, named, and graded like any alarm: its score is beyond its threshold.
        if (i >= high) raised ||= isAnomaly && attribution.high[0] > 0 && score > threshold;
      }
      expect(raised).toBe(true);
    }
  });

  it('fits a cycling metric’s tail in its noise, not its daily swing: a reading six noises past every high is improbable', () => {
    // A daily cycle of ±40 with noise of one: the long-run spread (about 28) is the cycle's, the residual noise (about 5,
    // an hour's slope included) the metric's own. A scale floored at the spread had called a reading 30 above every
    // high of eight days a 1-in-150 chance; floored at the noise it is beyond one in 10,000.
    const o = resolveOptions({ dimensions: 1, loadRelation: null, trees: 8, sampleSize: 32 });
    for (const seed of [1, 2, 3]) {
      const rng = new SeededRandom(seed);
      const d = FleetDetector.create(o);
      const days = 8;
      let high = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < days * DAY_ROWS; i++) {
        const t = START + i * STEP;
        const v = 100 + 40 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS) + 2 * (rng.next() + rng.next() + rng.next() - 1.5);
        high = Math.max(high, v);
        d.update('s', 's', t, [v]);
      }
      const model = (d as unknown as { models: Map<string, KeyModel> }).models.get('s')!;
      const t = START + days * DAY_MS + DAY_MS / 4;
      expect(model.tails([high + 30], t, o, true).probability[0]).toBeLessThan(1e-4);
    }
  });

  it('leaves a record the whole fleet reaches at once to the shared event, not to each container', () => {
    const rng = new SeededRandom(9);
    const d = FleetDetector.create({ dimensions: 1, loadRelation: null });
    const keys = Array.from({ length: 8 }, (_, k) => `c${k}`);
    let containerAlarms = 0;
    let events = 0;
    const surge = 2 * DAY_ROWS + 100;
    for (let i = 0; i <= surge + 12; i++) {
      const out = d.updateBatch(keys.map((key) => ({ key, group: key.slice(0, 2), timestampMs: START + i * STEP, values: [i >= surge ? 300 + 10 * rng.next() : 50 + 10 * rng.next()] })));
      if (i < surge) continue;
      containerAlarms += out.filter((v) => v.isAnomaly && v.scope === 'container').length;
      events += out.filter((v) => v.isAnomaly && v.scope !== 'container').length;
    }
    expect(containerAlarms).toBe(0);
    expect(events).toBeGreaterThanOrEqual(1);
  });
});

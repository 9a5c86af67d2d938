import { ContainerModel } from '../../../src/detector/container-model';
import { resolveOptions } from '../../../src/detector';
import { METRIC_NAMES } from '../../../src/core/model';

/** A model past its warm-up whose scores so far sat around 1. */
function settledModel(): ContainerModel {
  const m = new ContainerModel('g', 1, 2);
  m.count = 10_000;
  m.scoreMean = 1;
  m.scoreDeviation = 0.1;
  return m;
}

const residual = (z: number) => Float64Array.from([z]);

describe('decision rules of one container model', () => {
  // Shingles of 2: `history` holds the previous residual, which judge() alone never fills.
  const o = resolveOptions({ dimensions: 1, shingleSize: 2, warmupSamples: 10, refractorySamples: 0 });
  // For the CUSUM's own tests: the sustained-departure rule would raise a steady 3σ within a few samples.
  const drift = { ...o, sustainedSigmas: Number.POSITIVE_INFINITY };

  it('does not take a few isolated spikes for a drift: each adds at most cusumClip to the CUSUM', () => {
    const m = settledModel();
    // Twenty 20σ spikes, each followed by quiet samples, with unremarkable forest scores. (The day-part rule would
    // raise the first; this is about the CUSUM.)
    const cusumOnly = { ...o, dayPartSigmas: Number.POSITIVE_INFINITY };
    for (let i = 0; i < 20; i++) {
      expect(m.judge(1, residual(20), cusumOnly).isAnomaly).toBe(false);
      for (let k = 0; k < 5; k++) m.judge(1, residual(0), cusumOnly);
    }
    expect(m.cusumHigh[0]).toBeLessThan(o.cusumLimit);
  });

  it('raises a drift when moderate deviations persist, once', () => {
    const m = settledModel();
    const verdicts = Array.from({ length: 60 }, () => m.judge(1, residual(3), drift).isAnomaly);
    // 3σ residuals with a slack of 1 accumulate 2 per sample: the limit of 50 is reached on the 25th.
    expect(verdicts.indexOf(true)).toBe(24);
    expect(verdicts.filter(Boolean)).toHaveLength(1);
  });

  it('does not raise the same spike twice: the threshold stays above what normal samples already reached', () => {
    const m = settledModel();
    const first = m.judge(50, residual(0), o);
    expect(first.isAnomaly).toBe(true);
    for (let i = 0; i < 30; i++) m.judge(1, residual(0), o);
    // A spike that was not alarmed on (say, during warm-up) sets the peak...
    const unalarmed = settledModel();
    unalarmed.normalPeak = 50;
    expect(unalarmed.judge(45, residual(0), o).isAnomaly).toBe(false);
    expect(unalarmed.judge(80, residual(0), o).isAnomaly).toBe(true);
    // ...and an alarmed one does not: the next incident of the same size, at another time of day, is still news.
    expect(m.normalPeak).toBeLessThan(2);
    expect(m.judge(50, residual(0), o, { hour: 12 }).isAnomaly).toBe(true);
  });

  it('remembers the peak score around each hour of day, alarmed or not: a nightly spike is news once', () => {
    const m = settledModel();
    expect(m.judge(50, residual(0), o, { hour: 2 }).isAnomaly).toBe(true);
    for (let i = 0; i < 287; i++) m.judge(1, residual(0), o, { hour: (Math.floor(i / 12) + 3) % 24 });
    // The next day the same spike at 08:00 is news; at the same hour as before, or the next, it is expected.
    expect(m.threshold(o, 2)).toBeGreaterThanOrEqual(50 * (1 - o.hourlyPeakDecay) ** 288);
    expect(m.judge(48, residual(0), o, { hour: 8 }).isAnomaly).toBe(true);
    expect(m.judge(48, residual(0), o, { hour: 2 }).isAnomaly).toBe(false);
    expect(m.judge(48, residual(0), o, { hour: 3 }).isAnomaly).toBe(false);
    // The peak fades by hourlyPeakDecay per sample.
    const peak = m.hourlyPeak[2];
    for (let i = 0; i < 1000; i++) m.judge(1, residual(0), o, { hour: 14 });
    expect(m.hourlyPeak[2] / peak).toBeCloseTo((1 - o.hourlyPeakDecay) ** 1000, 3);
  });

  it('raises a value well beyond the range the metric showed lately, and far from expected, but not one or the other alone', () => {
    const judged = (beyond: number, departure: number) =>
      settledModel().judge(1, residual(departure), o, { beyondRange: Float64Array.from([beyond]), departures: residual(departure) }).isAnomaly;
    expect(judged(0.3, 4)).toBe(true);
    expect(judged(-0.5, -3.5)).toBe(true);
    // Within recordMargin (0.2) of the range, or within recordSigmas (3) of what the hour expects, or on opposite sides: no.
    expect(judged(0.1, 4)).toBe(false);
    expect(judged(0.3, 2)).toBe(false);
    expect(judged(0.3, -4)).toBe(false);
    expect(judged(0, 4)).toBe(false);
  });

  it('does not take a series\' routine bursts for drifts: a CUSUM must beat the excursions its metric made lately', () => {
    const m = settledModel();
    const burst = (samples: number) => {
      const verdicts = Array.from({ length: samples }, () => m.judge(1, residual(3), drift).isAnomaly);
      for (let i = 0; i < 100; i++) m.judge(1, residual(0), drift);
      return verdicts;
    };
    // The first burst of 40 samples at 3σ is a drift (limit 50 on the 25th); its excursion runs on past the alarm to 80,
    // ends 80 quiet samples later, and its peak fades for the last 20.
    expect(burst(40).indexOf(true)).toBe(24);
    expect(m.excursionPeak[0]).toBeCloseTo(80 * (1 - o.peakDecay) ** 20, 3);
    // The same burst again is routine; one about cusumMargin (2) times as long is news (the remembered 80 fades meanwhile).
    expect(burst(40)).not.toContain(true);
    const longer = burst(90);
    expect(longer.indexOf(true)).toBeGreaterThan(70);
    expect(longer.filter(Boolean)).toHaveLength(1);
  });

  it('raises a departure that dwarfs those seen around this time of day, once; at another time of day it is news again', () => {
    const m = settledModel();
    const at = (hour: number, z: number) => m.judge(1, residual(z), o, { hour, departures: residual(z) }).isAnomaly;
    // A calm day with 5σ moments at every hour.
    for (let i = 0; i < 288; i++) at(Math.floor(i / 12), i % 12 === 0 ? 5 : 0);
    // A nightly job: 40σ at 02:00. Over dayPartRatio (3) × 5σ and dayPartSigmas (16): news.
    expect(at(2, 40)).toBe(true);
    for (let i = 0; i < 100; i++) at(12, 0);
    // The next night it is expected, within two hours either way; at noon, or far less at 08:00, it is not.
    expect(at(3, 40)).toBe(false);
    expect(at(1, 30)).toBe(false);
    expect(at(12, 40)).toBe(true);
    for (let i = 0; i < 10; i++) at(12, 0);
    expect(at(8, 18)).toBe(true);
    for (let i = 0; i < 10; i++) at(12, 0);
    // Below dayPartSigmas, or within dayPartRatio of the part's peak, or on the other side of a one-sided peak: no.
    expect(at(20, 14)).toBe(false);
    expect(at(3, 100)).toBe(false);
    expect(at(2, -17)).toBe(true);
    // The peaks fade by hourlyPeakDecay per sample.
    const peak = m.departurePeak[2 * 1];
    for (let i = 0; i < 1000; i++) at(12, 0);
    expect(m.departurePeak[2 * 1] / peak).toBeCloseTo((1 - o.hourlyPeakDecay) ** 1000, 3);
  });

  it('leaves series with large departures at all hours (bursty ones) to the other rules', () => {
    const m = settledModel();
    const at = (hour: number, z: number) => m.judge(1, residual(z), o, { hour, departures: residual(z) }).isAnomaly;
    // Bursts of 30σ on 5 % of samples, at hours 0–11 only: more than dayPartMaxRate (2 %) of samples.
    for (let i = 0; i < 1152; i++) at(Math.floor(i / 12) % 12, i % 20 === 0 ? 30 : 0);
    expect(m.largeDepartureRate).toBeGreaterThan(o.dayPartMaxRate);
    // A burst in the afternoon, where none was seen, is one more burst.
    expect(at(18, 30)).toBe(false);
    // After two calm days the series is calm again, and an afternoon burst, away from the one above, stands out.
    for (let i = 0; i < 1152; i++) at(Math.floor(i / 12) % 24, 0);
    expect(m.largeDepartureRate).toBeLessThan(o.dayPartMaxRate);
    expect(at(15, 30)).toBe(true);
  });

  it('does not raise an incident again from the drift evidence it gathered while it lasted', () => {
    const m = settledModel();
    // A forest alarm opens an incident of 20 samples at 3σ; the CUSUM gathers 2 per sample meanwhile (40 of 50).
    expect(m.judge(100, residual(3), drift).isAnomaly).toBe(true);
    for (let i = 0; i < 19; i++) expect(m.judge(1, residual(3), drift).isAnomaly).toBe(false);
    // Once it is over, the evidence is spent: the tail at 2σ (1 per sample) takes a full 50 samples to raise a drift,
    // not the 10 the incident's evidence would leave.
    m.judge(1, residual(0), drift);
    expect(m.cusumHigh[0]).toBe(0);
    const tail = Array.from({ length: 60 }, () => m.judge(1, residual(2), drift).isAnomaly);
    expect(tail.indexOf(true)).toBe(49);
  });

  it('raises a modest departure that lasts longer than the metric\'s noise usually adds up to', () => {
    const m = settledModel();
    const verdicts = (z: number, samples: number) => Array.from({ length: samples }, () => m.judge(1, residual(z), o).isAnomaly);
    // Noise that strays half a deviation for a while and comes back: a completed excursion of about 0.5.
    verdicts(0.5, 60);
    verdicts(0, 60);
    expect(m.sustainedPeak[0]).toBeGreaterThan(0.45);
    expect(m.sustainedPeak[0]).toBeLessThan(0.5);
    // A 1.5σ shift (no sample unusual on its own) raises once the hour's average reaches sustainedSigmas (0.8), the
    // 9th sample: 1.5 × (1 − (11/12)^9) ≈ 0.82.
    const shift = verdicts(1.5, 40);
    expect(shift.indexOf(true)).toBe(8);
    expect(shift.filter(Boolean)).toHaveLength(1);
    // Once over, the excursion (up to 1.5) is what this metric's average reached: the same shift again is no news,
    // one past sustainedRatio (1.3) times it is.
    verdicts(0, 60);
    expect(m.sustainedPeak[0]).toBeGreaterThan(1.4);
    expect(verdicts(1.5, 40)).not.toContain(true);
    verdicts(0, 60);
    expect(verdicts(2.5, 40)).toContain(true);
  });

  it('does not raise, as warm-up ends, a lasting departure that was already going on while it warmed up', () => {
    const m = new ContainerModel('g', 1, 2);
    // Warm-up (10 samples here) spent 1.5σ out: the baselines were still settling.
    const warmup = Array.from({ length: 10 }, () => {
      const verdict = m.judge(1, residual(1.5), o);
      m.count++;
      return verdict.isAnomaly;
    });
    expect(warmup).not.toContain(true);
    expect(m.judge(1, residual(1.5), o).isAnomaly).toBe(false);
    // A departure well beyond what warm-up saw still counts.
    m.count++;
    expect(Array.from({ length: 20 }, () => m.judge(1, residual(2.5), o).isAnomaly)).toContain(true);
  });

  it('spends the sustained average of an incident already raised: its tail must not raise it again', () => {
    const m = settledModel();
    // A forest alarm opens an incident of 4σ; the stretch lasts while the average stays up.
    expect(m.judge(100, residual(4), o).isAnomaly).toBe(true);
    for (let i = 0; i < 11; i++) m.judge(1, residual(4), o);
    let calm = 0;
    while (m.alarmedInStretch && calm < 50) {
      m.judge(1, residual(0), o);
      calm++;
    }
    // It ends as the average falls below 0.8; a 1.2σ tail then starts from zero, not from just under 0.8.
    expect(calm).toBeGreaterThan(5);
    expect(m.sustained[0]).toBe(0);
    expect(Array.from({ length: 8 }, () => m.judge(1, residual(1.2), o).isAnomaly)).not.toContain(true);
  });

  it('does not believe the forest about a departure this time of day has shown before: the same nightly spike scores differently each night', () => {
    const m = settledModel();
    const at = (hour: number, score: number, z: number) => m.judge(score, residual(z), o, { hour, departures: residual(z) }).isAnomaly;
    // Night one: a 40σ spike at 02:00 with a high forest score.
    expect(at(2, 100, 40)).toBe(true);
    for (let i = 0; i < 287; i++) at(Math.floor(i / 12) % 24, 1, 0);
    // Night two: the same spike scores higher still, and departs a little further (within dayPartRecurRatio, 1.25)...
    expect(at(2, 150, 45)).toBe(false);
    // ...and stays in the forest's shingle (2 samples here) for one more sample, which scores higher still but recurs
    // with it; the next is judged on its own.
    expect(at(2, 160, 0)).toBe(false);
    expect(at(2, 170, 0)).toBe(true);
    for (let i = 0; i < 20; i++) at(12, 1, 0);
    // A far larger departure, or a forest alarm with no large departure, or one at noon: the forest is believed.
    expect(at(2, 200, 60)).toBe(true);
    for (let i = 0; i < 20; i++) at(12, 1, 0);
    expect(at(2, 300, 5)).toBe(true);
    for (let i = 0; i < 20; i++) at(12, 1, 0);
    expect(at(12, 400, 39)).toBe(true);
  });

  it('lets the remembered peak fade by peakDecay per sample', () => {
    const m = settledModel();
    m.normalPeak = 50;
    for (let i = 0; i < 1000; i++) m.judge(1, residual(0), o);
    expect(m.normalPeak).toBeCloseTo(50 * (1 - o.peakDecay) ** 1000, 6);
    expect(m.threshold(o, 0)).toBeCloseTo(Math.max(m.normalPeak, m.scoreMean + o.thresholdSigmas * m.scoreDeviation * 1.25, m.scoreMean * o.minThresholdRatio), 9);
  });

  it('believes several metrics far out at once without the forest, but not one alone', () => {
    const joint = resolveOptions({ dimensions: 4, shingleSize: 2, warmupSamples: 10 });
    const model = () => Object.assign(new ContainerModel('g', 4, 2), { count: 10_000, scoreMean: 1, scoreDeviation: 0.1 });
    // An outage: traffic and CPU collapse together, each 7 deviations down; the forest's score is unremarkable.
    expect(model().judge(1, Float64Array.from([-7, 0, -7, -2]), joint).isAnomaly).toBe(true);
    expect(model().judge(1, Float64Array.from([-15, 0, 0, 0]), joint).isAnomaly).toBe(false);
    expect(model().judge(1, Float64Array.from([-5, 0, -5, 0]), joint).isAnomaly).toBe(false);
  });

  it('rejects options that would break the rules', () => {
    expect(() => resolveOptions({ loadRelation: [0, 4] })).toThrow('loadRelation must name two different metrics below dimensions (4), got [0, 4]');
    expect(() => resolveOptions({ loadRelation: [2, 2] })).toThrow('loadRelation must name two different metrics');
    expect(() => resolveOptions({ relationAlpha: 0 })).toThrow('relationAlpha must be in (0, 1]');
    expect(() => resolveOptions({ jointSigmas: 0 })).toThrow('jointSigmas must be positive');
    expect(() => resolveOptions({ jointMetrics: 1.5 })).toThrow('jointMetrics must be a positive integer');
    expect(() => resolveOptions({ cusumClip: 0 })).toThrow('cusumClip must be positive');
    expect(() => resolveOptions({ peakRatio: -1 })).toThrow('peakRatio must be at least 0');
    expect(() => resolveOptions({ peakDecay: 1 })).toThrow('peakDecay must be in [0, 1)');
    expect(() => resolveOptions({ hourlyPeakDecay: -0.1 })).toThrow('hourlyPeakDecay must be in [0, 1)');
    expect(() => resolveOptions({ recordMargin: -1 })).toThrow('recordMargin must be at least 0');
    expect(() => resolveOptions({ cusumMargin: Number.NaN })).toThrow('cusumMargin must be at least 0');
    expect(() => resolveOptions({ dayPartSigmas: 0 })).toThrow('dayPartSigmas must be positive');
    expect(() => resolveOptions({ dayPartRatio: -1 })).toThrow('dayPartRatio must be at least 0');
    expect(() => resolveOptions({ dayPartMaxRate: 1.5 })).toThrow('dayPartMaxRate must be in [0, 1]');
    expect(() => resolveOptions({ dayPartRecurRatio: -2 })).toThrow('dayPartRecurRatio must be at least 0');
  });
});

const HOUR_MS = 3_600_000;
const STEP_MS = 300_000;

describe('what one container model expects', () => {
  /** Samples at 5-minute steps from midnight UTC: `at(step)` gives the values, fed to point() then learn() as the detector does. */
  function trained(o: ReturnType<typeof resolveOptions>, steps: number, at: (step: number) => number[]): ContainerModel {
    const m = new ContainerModel('g', o.dimensions, o.shingleSize);
    for (let step = 0; step < steps; step++) {
      const hours = ((step * STEP_MS) / HOUR_MS) % 24;
      const values = at(step);
      const { residuals } = m.point(values, hours, o);
      m.learn(values, residuals, hours, step * STEP_MS, o, false);
    }
    return m;
  }
  const noise = (step: number, salt: number) => Math.sin(step * 12.9898 + salt * 78.233) * 0.5;

  it('expects CPU from traffic: CPU that follows a traffic rise is normal, CPU that rises on flat traffic is not', () => {
    const o = resolveOptions({ warmupSamples: 288 });
    expect(o.loadRelation?.map((i) => METRIC_NAMES[i])).toEqual(['cpu_pct', 'net_mbps']);
    // Traffic swings through the day; CPU is 5 + 0.8 × traffic.
    const traffic = (step: number) => 40 + 20 * Math.sin((2 * Math.PI * step) / 288) + 3 * noise(step, 1);
    const sample = (t: number, cpuExtra = 0, step = 0) => [5 + 0.8 * t + noise(step, 2) + cpuExtra, 50, t, 100];
    const m = trained(o, 3 * 288, (step) => sample(traffic(step), 0, step));
    const hours = 6;
    const surge = m.point(sample(90), hours, o);
    const followsSurge = surge.residuals;
    // Against its hourly baseline the CPU is still far out: with traffic, that is two metrics at once (the joint rule).
    expect(surge.departures[0]).toBeGreaterThan(6);
    const risesAlone = m.point(sample(40, 15), hours, o).residuals;
    expect(Math.abs(followsSurge[0])).toBeLessThan(3);
    expect(followsSurge[2]).toBeGreaterThan(6);
    expect(risesAlone[0]).toBeGreaterThan(10);
    // Without the relation, the same surge reads as a CPU anomaly too.
    const plain = resolveOptions({ warmupSamples: 288, loadRelation: null });
    const seasonalOnly = trained(plain, 3 * 288, (step) => sample(traffic(step), 0, step));
    expect(seasonalOnly.point(sample(90), hours, plain).residuals[0]).toBeGreaterThan(6);
  });

  it('learns a noise scale per hour of day: a busy hour\'s usual swing is not an anomaly, the same swing in a quiet hour is', () => {
    const o = resolveOptions({ dimensions: 1, shingleSize: 1, warmupSamples: 288 });
    // Hours 8–9 swing by ±4, the rest by ±0.2, around a flat 50.
    const busy = (step: number) => Math.floor(((step * STEP_MS) / HOUR_MS) % 24) === 8;
    const m = trained(o, 6 * 288, (step) => [50 + (busy(step) ? 8 : 0.4) * noise(step, 3)]);
    expect(Math.abs(m.point([54], 8.5, o).residuals[0])).toBeLessThan(3);
    expect(m.point([54], 2.5, o).residuals[0]).toBeGreaterThan(6);
  });

  it('knows the range each metric showed lately: how far beyond it a value lies, in shares of it, forgetting slowly', () => {
    const o = resolveOptions({ dimensions: 1, shingleSize: 1 });
    // Values sweep 10..20.
    const m = trained(o, 576, (step) => [15 + 5 * Math.sin(step / 7)]);
    expect(m.range[0]).toBeCloseTo(20, 0);
    expect(m.range[1]).toBeCloseTo(10, 0);
    const width = m.range[0] - m.range[1];
    expect(m.point([m.range[0] + 0.5 * width], 3, o).beyondRange[0]).toBeCloseTo(0.5, 5);
    expect(m.point([m.range[1] - 0.25 * width], 3, o).beyondRange[0]).toBeCloseTo(-0.25, 5);
    expect(m.point([15], 3, o).beyondRange[0]).toBe(0);
    // Quiet at the middle, the range shrinks by recordDecay per sample; an outlier, learned, widens it at once.
    const high = m.range[0];
    for (let i = 0; i < 1000; i++) m.learn([15], Float64Array.from([0]), 3, 0, o, false);
    expect(m.range[0] - 15).toBeCloseTo((high - 15) * (1 - o.recordDecay) ** 1000, 1);
    m.learn([40], Float64Array.from([0]), 3, 0, o, true);
    expect(m.range[0]).toBe(40);
  });

  it('learns the noise scale of a noisy series while warming up (bug: a scale starting at zero froze itself)', () => {
    const o = resolveOptions({ dimensions: 1, shingleSize: 1, warmupSamples: 576 });
    // As the detector does it: each sample judged, and learned as unusual when it looked so. Noise of ±40 around 60.
    const m = new ContainerModel('g', 1, 1);
    for (let step = 0; step < 576; step++) {
      const hours = ((step * STEP_MS) / HOUR_MS) % 24;
      const values = [60 + 80 * noise(step, 9)];
      const { residuals, ...context } = m.point(values, hours, o);
      const { exceeds } = m.judge(1, residuals, o, context);
      m.learn(values, residuals, hours, step * STEP_MS, o, exceeds);
    }
    // The mean absolute deviation of 40·sin(uniform phase) is 40·2/π ≈ 25.5; the old scale stayed near 1.
    expect(m.scale[0]).toBeGreaterThan(15);
    expect(m.scale[0]).toBeLessThan(35);
  });

  it('keeps a running median and spread that bursts cannot drag', () => {
    const o = resolveOptions({ dimensions: 1, shingleSize: 1 });
    // Noise of ±2 (a median absolute deviation of about 1.4) around 30, with a burst to 500 one sample in ten.
    const m = trained(o, 2000, (step) => [step % 10 === 3 ? 500 : 30 + 4 * noise(step, 5)]);
    expect(m.median[0]).toBeGreaterThan(29);
    expect(m.median[0]).toBeLessThan(31);
    expect(m.spread[0]).toBeGreaterThan(0.7);
    expect(m.spread[0]).toBeLessThan(2.8);
    // It finds a far larger order of magnitude within a few dozen samples.
    const big = trained(o, 60, (step) => [1e8 + 1e6 * noise(step, 6)]);
    expect(Math.abs(big.median[0] - 1e8)).toBeLessThan(1e6);
  });

  it('does not start its baselines among a bursty first day\'s bursts (bug: the calm level then read as an anomaly for good)', () => {
    const o = resolveOptions({ dimensions: 1, shingleSize: 1 });
    // Idles at 0.1 ± 0.05 with bursts to 90 for three samples every hour and a half (not in the first samples:
    // until the median has seen a few values there is nothing to fence against).
    const bursty = (step: number) => [step % 18 >= 15 ? 90 : 0.1 + 0.1 * noise(step, 7)];
    const m = trained(o, 288, bursty);
    // A plain first-day mean would put every hour near 15 (a sixth of the samples at 90).
    for (let h = 0; h < 24; h++) expect(m.seasonal[h]).toBeLessThan(1);
    const later = trained(o, 3 * 288, bursty);
    expect(Math.abs(later.point([0.1], 5.5, o).residuals[0])).toBeLessThan(3);
  });

  it('takes each hour\'s mean as its first baseline, not a value dragged towards the overall level (bug: a steep daily ramp was biased)', () => {
    const o = resolveOptions({ dimensions: 1, shingleSize: 1 });
    // A ramp through the day: 10 per hour, so hour 5 averages 55.
    const m = trained(o, 288, (step) => [((step * STEP_MS) / HOUR_MS) * 10]);
    expect(m.seasonal[5]).toBeCloseTo(54.6, 1);
    expect(m.seasonal[20]).toBeCloseTo(204.6, 1);
  });
});

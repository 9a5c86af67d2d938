import { ContainerModel } from '../../../src/detector/container-model';
import { resolveOptions } from '../../../src/detector';

/** A model past its warm-up whose scores so far sat around 1. */
function settledModel(): ContainerModel {
  const m = new ContainerModel('g', 1, 1);
  m.count = 10_000;
  m.scoreMean = 1;
  m.scoreDeviation = 0.1;
  return m;
}

const residual = (z: number) => Float64Array.from([z]);

describe('decision rules of one container model', () => {
  const o = resolveOptions({ dimensions: 1, shingleSize: 1, warmupSamples: 10, refractorySamples: 0 });

  it('does not take a few isolated spikes for a drift: each adds at most cusumClip to the CUSUM', () => {
    const m = settledModel();
    // Twenty 20σ spikes, each followed by quiet samples, with unremarkable forest scores.
    for (let i = 0; i < 20; i++) {
      expect(m.judge(1, residual(20), o).isAnomaly).toBe(false);
      for (let k = 0; k < 5; k++) m.judge(1, residual(0), o);
    }
    expect(m.cusumHigh[0]).toBeLessThan(o.cusumLimit);
  });

  it('raises a drift when moderate deviations persist, once', () => {
    const m = settledModel();
    const verdicts = Array.from({ length: 60 }, () => m.judge(1, residual(3), o).isAnomaly);
    // 3σ residuals with a slack of 1 accumulate 2 per sample: the limit of 80 is reached on the 40th.
    expect(verdicts.indexOf(true)).toBe(39);
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
    // ...and an alarmed one does not: the next incident of the same size is still news.
    expect(m.normalPeak).toBeLessThan(2);
    expect(m.judge(50, residual(0), o).isAnomaly).toBe(true);
  });

  it('lets the remembered peak fade by peakDecay per sample', () => {
    const m = settledModel();
    m.normalPeak = 50;
    for (let i = 0; i < 1000; i++) m.judge(1, residual(0), o);
    expect(m.normalPeak).toBeCloseTo(50 * (1 - o.peakDecay) ** 1000, 6);
    expect(m.threshold(o)).toBeCloseTo(Math.max(m.normalPeak, m.scoreMean + o.thresholdSigmas * m.scoreDeviation * 1.25, m.scoreMean * o.minThresholdRatio), 9);
  });

  it('believes several metrics far out at once without the forest, but not one alone', () => {
    const joint = resolveOptions({ dimensions: 4, shingleSize: 1, warmupSamples: 10 });
    const model = () => Object.assign(new ContainerModel('g', 4, 1), { count: 10_000, scoreMean: 1, scoreDeviation: 0.1 });
    // An outage: traffic and CPU collapse together, each 7 deviations down; the forest's score is unremarkable.
    expect(model().judge(1, Float64Array.from([-7, 0, -7, -2]), joint).isAnomaly).toBe(true);
    expect(model().judge(1, Float64Array.from([-15, 0, 0, 0]), joint).isAnomaly).toBe(false);
    expect(model().judge(1, Float64Array.from([-5, 0, -5, 0]), joint).isAnomaly).toBe(false);
  });

  it('rejects options that would break the rules', () => {
    expect(() => resolveOptions({ jointSigmas: 0 })).toThrow('jointSigmas must be positive');
    expect(() => resolveOptions({ jointMetrics: 1.5 })).toThrow('jointMetrics must be a positive integer');
    expect(() => resolveOptions({ cusumClip: 0 })).toThrow('cusumClip must be positive');
    expect(() => resolveOptions({ peakRatio: -1 })).toThrow('peakRatio must be at least 0');
    expect(() => resolveOptions({ peakDecay: 1 })).toThrow('peakDecay must be in [0, 1)');
  });
});

import { argmaxDimension, attributionVector, pearson, ranks, spearman, topAgreement, topIndices } from '../../../bench/lib/forest-compare';
import { forestStream, METRICS, SHINGLE } from '../../../bench/lib/forest-stream';

describe('forest comparison statistics', () => {
  it('Pearson is 1 for a linear relation, -1 for a reversed one, and refuses unequal lengths', () => {
    expect(pearson([1, 2, 3, 4], [3, 5, 7, 9])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(() => pearson([1, 2], [1, 2, 3])).toThrow('same length');
  });

  it('ranks ties at their average rank', () => {
    expect(Array.from(ranks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
  });

  it('Spearman is 1 for any increasing relation, where Pearson is not', () => {
    const x = [1, 2, 3, 4, 5, 6];
    const y = x.map((v) => Math.exp(2 * v));
    expect(spearman(x, y)).toBeCloseTo(1, 12);
    expect(pearson(x, y)).toBeLessThan(0.9);
  });

  it('agreement of the top points counts the shared ones', () => {
    const a = Array.from({ length: 100 }, (_, i) => i);
    expect(topAgreement(a, a, 0.05)).toBe(1);
    expect(topAgreement(a, a.map((v) => -v), 0.05)).toBe(0);
    // b's top five are a's top four and a low one.
    const b = [...a];
    b[99] = -1;
    b[10] = 1000;
    expect(topAgreement(a, b, 0.05)).toBe(0.8);
    expect([...topIndices([3, 9, 9, 1], 2)]).toEqual([1, 2]);
  });

  it('names the dimension with the most attribution in either direction', () => {
    expect(argmaxDimension([0.1, 0, 0.2], [0, 0.5, 0])).toBe(1);
    expect(attributionVector(Float64Array.from([1, 2]), Float64Array.from([3, 4]))).toEqual([1, 2, 3, 4]);
  });
});

describe('the bench:forest stream', () => {
  const { points, outliers } = forestStream(42, 3000, 1000, 8);

  it('shingles four metrics four samples deep, oldest first', () => {
    expect(points).toHaveLength(3000);
    expect(points[0]).toHaveLength(SHINGLE * METRICS.length);
    // Point i's newest sample is point i+1's second newest.
    expect(Array.from(points[500].subarray(12, 16))).toEqual(Array.from(points[501].subarray(8, 12)));
  });

  it('puts each spike in its metric and direction, in the newest sample of its point', () => {
    expect(outliers).toHaveLength(8);
    for (const o of outliers) {
      expect(o.index).toBeGreaterThanOrEqual(1000);
      expect(o.dimension).toBe(12 + o.metric);
      const jump = points[o.index][o.dimension] - points[o.index][o.dimension - METRICS.length];
      expect(Math.sign(jump)).toBe(o.sign);
      expect(Math.abs(jump)).toBeGreaterThan(2);
    }
    expect(new Set(outliers.map((o) => o.metric)).size).toBe(METRICS.length);
  });

  it('is the same stream for the same seed', () => {
    expect(forestStream(42, 3000, 1000, 8).points[2500]).toEqual(points[2500]);
    expect(forestStream(43, 3000, 1000, 8).points[2500]).not.toEqual(points[2500]);
  });
});

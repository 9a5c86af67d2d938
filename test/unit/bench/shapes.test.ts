import { BACKGROUNDS, generateShape, generateShapes, SHAPE_KINDS, SHAPE_REPORTING_SEEDS, SHAPE_TUNING_SEEDS, type ShapeSeries } from '../../../bench/lib/shapes';
import { byShapeStep, summarize, type ShapeScores } from '../../../bench/lib/shapes-run';
import { assertAmongTuningSeeds } from '../../../bench/lib/tuning-seeds';

const day = 86_400_000;
/** Values of rows wholly inside the anomaly (each row is its step's mean), or wholly outside it. */
const values = (s: ShapeSeries, inside: boolean) => {
  const step = s.times[1] - s.times[0];
  const { fromMs, toMs } = s.anomaly!;
  return s.input.rows.filter((r) => (inside ? r.timeMs >= fromMs && r.timeMs + step <= toMs : r.timeMs + step <= fromMs || r.timeMs >= toMs)).map((r) => r.values[0]);
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
/** The values of the day before the anomaly: the ordinary behaviour it departs from. */
const before = (s: ShapeSeries) => s.input.rows.filter((r) => r.timeMs >= s.anomaly!.fromMs - day && r.timeMs < s.anomaly!.fromMs).map((r) => r.values[0]);

describe('generic anomaly shapes', () => {
  it('plays every kind on every background for 14 days at the step, one window per anomaly after its fourth day', () => {
    const set = generateShapes(1, 15);
    expect(set).toHaveLength(SHAPE_KINDS.length * BACKGROUNDS.length);
    for (const s of set) {
      expect(s.input.rows).toHaveLength((14 * 24 * 60) / 15);
      expect(s.times[1] - s.times[0]).toBe(15 * 60_000);
      if (s.kind === 'none') {
        expect(s.anomaly).toBeNull();
        expect(s.windows).toEqual([]);
        continue;
      }
      expect(s.anomaly!.fromMs - s.times[0]).toBeGreaterThanOrEqual(4 * day);
      // As long as NAB's window (a tenth of the series), from the anomaly's onset: an alarm before it is no detection.
      const [from, to] = s.windows[0];
      expect(to - from).toBeCloseTo(1.4 * day, -3);
      // The row stamped at the start of the step that holds the onset is in it.
      expect(from).toBeLessThanOrEqual(s.anomaly!.fromMs);
      expect(from).toBeGreaterThan(s.anomaly!.fromMs - 15 * 60_000);
      expect(s.times).toContain(from);
    }
  });

  it('repeats for a seed, and another seed moves the anomalies', () => {
    expect(generateShape(2, 'ramp', 'cycle', 60)).toEqual(generateShape(2, 'ramp', 'cycle', 60));
    expect(generateShape(3, 'ramp', 'cycle', 60).anomaly).not.toEqual(generateShape(2, 'ramp', 'cycle', 60).anomaly);
    expect(SHAPE_TUNING_SEEDS.some((s) => SHAPE_REPORTING_SEEDS.includes(s))).toBe(false);
  });

  it('each kind departs as its name says, at 5-minute steps on flat noise', () => {
    const shape = (kind: (typeof SHAPE_KINDS)[number]) => generateShape(1, kind, 'flat', 5);
    const spike = shape('spike');
    expect(values(spike, true)).toHaveLength(1);
    expect(values(spike, true)[0]).toBeGreaterThan(Math.max(...values(spike, false)));
    expect(mean(values(shape('outage'), true))).toBeLessThan(0.1 * mean(before(shape('outage'))));
    expect(mean(values(shape('level-up'), true))).toBeGreaterThan(1.15 * mean(before(shape('level-up'))));
    expect(mean(values(shape('level-down'), true))).toBeLessThan(0.85 * mean(before(shape('level-down'))));
    expect(sd(values(shape('flatline'), true))).toBeLessThan(1e-9);
    expect(sd(values(shape('noise-burst'), true))).toBeGreaterThan(3 * sd(before(shape('noise-burst'))));
    // Flat noise has no ordinary bursts: the density kind brings them.
    expect(Math.max(...values(shape('burst-density'), true))).toBeGreaterThan(1.3 * Math.max(...before(shape('burst-density'))));
    const ramp = values(shape('ramp'), true);
    expect(mean(ramp.slice(-6))).toBeGreaterThan(mean(ramp.slice(0, 6)) + 0.2 * mean(before(shape('ramp'))));
  });

  it('a spike is one reading beyond every ordinary value, on every background and at every step', () => {
    for (const background of BACKGROUNDS) {
      for (const step of [5, 60]) {
        const spike = generateShape(2, 'spike', background, step);
        expect(values(spike, true)).toHaveLength(1);
        expect(values(spike, true)[0]).toBeGreaterThan(Math.max(...values(spike, false)));
      }
    }
  });

  it('a bursty background bursts on ordinary days, and the cycle is lower at night and on weekends', () => {
    const bursty = generateShape(1, 'none', 'bursty', 5).input.rows.map((r) => r.values[0]);
    expect(Math.max(...bursty)).toBeGreaterThan(3 * mean(bursty));
    const cycle = generateShape(1, 'none', 'cycle', 60);
    const at = (dayIndex: number, hour: number) => cycle.input.rows[dayIndex * 24 + hour].values[0];
    expect(at(1, 3)).toBeLessThan(0.8 * at(1, 13));
    expect(at(5, 13)).toBeLessThan(0.85 * at(1, 13));
  });

  it('summarizes NAB scores per step and per kind, and refuses the reporting seeds for tuning', () => {
    const perfect = (windows: number) => ({ raw: windows, windows, truePositives: windows, falsePositives: 0, falseNegatives: 0 });
    const missed = { raw: -1, windows: 1, truePositives: 0, falsePositives: 2, falseNegatives: 1 };
    const scores: ShapeScores = { kinds: ['none', 'spike', 'outage'], scores: [{ ...perfect(0), raw: -0.11, falsePositives: 1 }, perfect(1), missed] };
    const s = summarize([scores]);
    expect(s).toMatchObject({ found: 1, windows: 2, falseAlarms: 3 });
    // NAB's normalisation over the two windows: 100 × (raw + 2) / (2 + 2).
    expect(s.score).toBeCloseTo((100 * (-0.11 + 1 - 1 + 2)) / 4, 5);
    expect(s.byKind.find((k) => k.kind === 'outage')).toEqual({ kind: 'outage', found: 0, windows: 1 });
    expect(byShapeStep([{ seed: 1, stepMinutes: 5, detector: scores, zScore: scores }, { seed: 2, stepMinutes: 5, detector: scores, zScore: scores }])[0]).toMatchObject({ stepMinutes: 5, sets: 2 });
    expect(() => assertAmongTuningSeeds([1, 101], SHAPE_TUNING_SEEDS)).toThrow(/101 are not tuning seeds/);
  });
});

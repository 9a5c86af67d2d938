import { FleetDetector } from '../../../src/detector';
import { arrivalOf, dayOfWeek, hourOfDay, nextStep, weightAfter } from '../../../src/detector/time';
import { SeededRandom } from '../../../src/detector/random';
import type { KeyModel } from '../../../src/detector/key-model';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 10, 2); // a Monday

/** One metric with a daily wave and noise, sampled every `stepMs`. */
function wave(stepMs: number, days: number, seed = 1): Array<{ t: number; v: number[] }> {
  const rng = new SeededRandom(seed);
  const out: Array<{ t: number; v: number[] }> = [];
  for (let t = START; t < START + days * DAY; t += stepMs) out.push({ t, v: [50 + 20 * Math.sin((2 * Math.PI * (t - START)) / DAY) + rng.normal()] });
  return out;
}

describe('time, not rows', () => {
  it('turns a half-life into a per-sample weight from the time that elapsed, capped at one half-life for gaps', () => {
    expect(weightAfter(HOUR, HOUR)).toBeCloseTo(0.5);
    // Twelve 5-minute samples weigh what one hourly sample does.
    expect(1 - (1 - weightAfter(5 * 60_000, HOUR)) ** 12).toBeCloseTo(weightAfter(HOUR, HOUR));
    expect(weightAfter(30 * DAY, HOUR)).toBeCloseTo(0.5);
  });

  it('measures the step per key: follows jitter, ignores a gap or a burst, adopts a new spacing after three intervals', () => {
    let s = nextStep({ stepMs: 0, offStep: 0 }, 300_000);
    s = nextStep(s, 310_000);
    expect(s.stepMs).toBeCloseTo(302_500);
    s = nextStep(s, 6 * HOUR);
    expect(s.stepMs).toBeCloseTo(302_500);
    for (let i = 0; i < 3; i++) s = nextStep(s, HOUR);
    expect(s).toEqual({ stepMs: HOUR, offStep: 0 });
  });

  it('tells late and duplicate samples from in-order ones, and reads the UTC hour and weekday', () => {
    expect([arrivalOf(undefined, 5), arrivalOf(5, 6), arrivalOf(5, 5), arrivalOf(5, 4)]).toEqual(['in-order', 'in-order', 'duplicate', 'late']);
    expect(hourOfDay(START + 90 * 60_000)).toBeCloseTo(1.5);
    expect([dayOfWeek(START), dayOfWeek(START + 5 * DAY), dayOfWeek(START + 6 * DAY)]).toEqual([0, 5, 6]);
  });

  it.each([
    ['1-minute', 60_000],
    ['hourly', HOUR],
  ])('warms up for one day at %s steps, however many rows that is', (_, stepMs) => {
    const d = FleetDetector.create({ dimensions: 1, trees: 5, sampleSize: 32 });
    const rows = wave(stepMs, 2);
    const verdicts = rows.map(({ t, v }) => d.update('s', 's', t, v));
    const judged = verdicts.findIndex((x) => !x.warmingUp);
    expect(rows[judged].t - START).toBe(DAY);
    expect(verdicts[0].warmupEndsAtMs).toBe(START + DAY);
  });

  it('scores a late or duplicate sample from what it knows, flags it, and learns nothing from it', () => {
    const rows = wave(300_000, 2);
    const plain = FleetDetector.create({ dimensions: 1, trees: 8, sampleSize: 32 });
    const messy = FleetDetector.create({ dimensions: 1, trees: 8, sampleSize: 32 });
    const arrivals: string[] = [];
    rows.forEach(({ t, v }, i) => {
      plain.update('s', 's', t, v);
      messy.update('s', 's', t, v);
      if (i === 400) arrivals.push(messy.update('s', 's', t, [v[0] + 1000]).arrival, messy.update('s', 's', rows[10].t, [999]).arrival);
    });
    expect(arrivals).toEqual(['duplicate', 'late']);
    // Scoring a late sample draws cuts from the forest's generator (so later scores differ a little): compare
    // what the key learned from values, which no score touches.
    const keyState = (d: FleetDetector) => {
      const m = (d as unknown as { models: Map<string, KeyModel> }).models.get('s')!;
      return { samples: m.samples, lastMs: m.lastMs, stepMs: m.stepMs, level: Array.from(m.baseline.level), daily: Array.from(m.baseline.daily), scale: Array.from(m.baseline.scale) };
    };
    expect(keyState(messy)).toEqual(keyState(plain));
  });

  it('never fails on a gap, and judges the series again right after it', () => {
    const d = FleetDetector.create({ dimensions: 1, trees: 5, sampleSize: 32 });
    const before = wave(300_000, 2);
    before.forEach(({ t, v }) => d.update('s', 's', t, v));
    const after = d.update('s', 's', before[before.length - 1].t + 3 * DAY, [50]);
    expect(after.warmingUp).toBe(false);
    expect(Number.isFinite(after.score)).toBe(true);
  });
});

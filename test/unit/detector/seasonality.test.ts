import { resolveOptions } from '../../../src/detector';
import { SeededRandom } from '../../../src/detector/random';
import { SeasonalBaseline, Z_CLIP } from '../../../src/detector/seasonality';
import { Slab } from '../../../src/detector/slab';
import { localClock } from '../../../src/detector/time';

const utc = localClock('UTC');

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 10, 2); // a Monday
const o = resolveOptions({ dimensions: 1 });

function baseline(): SeasonalBaseline {
  return new SeasonalBaseline(1, new Slab(Slab.measure((s) => new SeasonalBaseline(1, s, utc))), utc);
}

/** Learns `value(t)` every `stepMs` for `days`, calling `visit` with the residual each sample showed before it was learned. */
function learn(b: SeasonalBaseline, days: number, stepMs: number, value: (t: number, rng: SeededRandom) => number, visit?: (t: number, z: number) => void): void {
  const rng = new SeededRandom(7);
  let i = 0;
  for (let t = START; t < START + days * DAY; t += stepMs, i++) {
    const v = value(t, rng);
    if (i === 0) {
      b.start([v]);
      continue;
    }
    visit?.(t, b.residuals([v], t, t - START).z[0]);
    b.learn([v], t, stepMs, i, o);
  }
}

const daily = (t: number, rng: SeededRandom) => 50 + 20 * Math.cos((2 * Math.PI * (t - START)) / DAY) + rng.normal();
const flat = (_: number, rng: SeededRandom) => 50 + rng.normal();
/** Weekdays at 100, weekends at 94 (six deviations lower), no daily cycle. */
const weekly = (t: number, rng: SeededRandom) => ((t - START) % (7 * DAY) >= 5 * DAY ? 94 : 100) + rng.normal();

describe('seasonality, found not assumed', () => {
  it.each([
    ['a daily cycle', daily, 'daily'],
    ['flat noise', flat, 'none'],
  ] as const)('finds %s', (_, value, found) => {
    const b = baseline();
    learn(b, 4, 300_000, value);
    expect(b.seasonality(0, 4 * DAY)).toBe(found);
  });

  it('expects the daily cycle minute by minute once found, so the noise it judges by is the noise, not the cycle', () => {
    const b = baseline();
    learn(b, 4, 300_000, daily);
    // A plain level following the ±20 wave a few hours late reads its lag as noise.
    expect(b.noise(b.chosen(0, 4 * DAY), 0)).toBeLessThan(b.noise(0, 0) / 2);
  });

  it('finds a weekly cycle after a week and expects the second weekend’s level, which the first one broke', () => {
    const b = baseline();
    const saturdays: Record<number, number[]> = { 1: [], 2: [] };
    learn(b, 14, HOUR, weekly, (t, z) => {
      const week = Math.floor((t - START) / (7 * DAY)) + 1;
      // Saturday's first six hours: what a plain level, following a few hours late, calls a departure every week.
      if ((t - START) % (7 * DAY) >= 5 * DAY && (t - START) % (7 * DAY) < 5 * DAY + 6 * HOUR) saturdays[week].push(z);
    });
    expect(b.seasonality(0, 14 * DAY)).toMatch(/weekly/);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(saturdays[1])).toBeLessThan(-2.5);
    // One weekend teaches about half of its level (a week's memory per weekday: a one-off holiday must not
    // become every Saturday); a plain level would show the second departure as large as the first.
    expect(Math.abs(mean(saturdays[2]))).toBeLessThan(0.7 * Math.abs(mean(saturdays[1])));
  });

  it("judges a nightly job against its hour's own noise: from the second night on its residuals are ordinary, while the same excursion at another hour still stands out", () => {
    const STEP = 300_000;
    // Flat noise, and every night from 02:00 to 02:45 a job that adds thirty deviations.
    const nightly = (t: number, rng: SeededRandom) => 50 + rng.normal() + ((t - START) % DAY >= 2 * HOUR && (t - START) % DAY < 2.75 * HOUR ? 30 : 0);
    const b = baseline();
    const peakOf = new Map<number, number>();
    learn(b, 5, STEP, nightly, (t, z) => {
      const night = Math.floor((t - START) / DAY);
      if ((t - START) % DAY >= 2 * HOUR && (t - START) % DAY < 2.75 * HOUR) peakOf.set(night, Math.max(peakOf.get(night) ?? 0, z));
    });
    // The first night is news (clipped at Z_CLIP); every later one is a few deviations of that hour's noise.
    expect(peakOf.get(0)).toBe(Z_CLIP);
    for (const night of [1, 2, 3, 4]) expect(peakOf.get(night)!).toBeLessThan(4);
    // The same excursion at 14:00 is news: that hour has been quiet.
    const t = START + 5 * DAY + 14 * HOUR;
    expect(b.residuals([80], t, t - START).z[0]).toBeGreaterThan(15);
    expect(b.hourlyNoise(0, START + 5 * DAY + 2.4 * HOUR, 5 * DAY)).toBeGreaterThan(5 * b.hourlyNoise(0, t, 5 * DAY));
  });

  it('adopts a shared shift by scaling what it expects, but not an expectation at or below zero, nor a factor beyond fourfold', () => {
    const at = START + 3 * DAY;
    const expectedAfter = (level: number, relative: number) => {
      const b = baseline();
      learn(b, 3, HOUR, (_, rng) => level + rng.normal());
      const before = b.expected(b.chosen(0, 3 * DAY), 0, at);
      b.scaleExpected(Float64Array.from([relative]), at);
      return b.expected(b.chosen(0, 3 * DAY), 0, at) / before;
    };
    expect(expectedAfter(50, 0.2)).toBeCloseTo(1.2, 6);
    expect(expectedAfter(50, -0.5)).toBeCloseTo(0.5, 6);
    // A share of a negative expectation would move it the wrong way; a ninefold change is an event, not a shift.
    expect(expectedAfter(-50, 0.2)).toBe(1);
    expect(expectedAfter(50, 8)).toBe(1);
  });
});


import { FleetDetector } from '../../../src/detector';
import { LongRunPosition } from '../../../src/detector/position';
import { SeededRandom } from '../../../src/detector/random';
import { Slab } from '../../../src/detector/slab';

const STEP = 300_000;
const DAY_ROWS = 288;
const START = Date.UTC(2026, 10, 2);

function position(): LongRunPosition {
  return new LongRunPosition(1, new Slab(Slab.measure((s) => new LongRunPosition(1, s))));
}

/**
 * Eight days of noise around 50 with bursts at random moments (`perDay` a
 * day, `rows` long, 30 above the level: far beyond the residuals' clip, so
 * every burst has the same residual), and on the eighth day one burst twice
 * as high. Counts alarms on the usual bursts after two days, and whether the
 * high one was raised.
 */
function bursts(seed: number, rows: number, perDay: number): { usualAlarms: number; highRaised: boolean } {
  const rng = new SeededRandom(seed);
  const d = FleetDetector.create({ dimensions: 1, loadRelation: null });
  const high = 7 * DAY_ROWS + 100;
  let left = 0;
  let usualAlarms = 0;
  let highRaised = false;
  for (let i = 0; i < 8 * DAY_ROWS; i++) {
    if (left === 0 && (i < high - rows || i >= high + 2 * rows) && rng.next() < perDay / DAY_ROWS) left = rows;
    let v = 48 + 4 * rng.next();
    if (i >= high && i < high + rows) v += 60;
    else if (left > 0) {
      v += 30;
      left--;
    }
    const { isAnomaly } = d.update('k', 'g', START + i * STEP, [v]);
    if (isAnomaly && i >= high && i < high + 2 * rows) highRaised = true;
    else if (isAnomaly && i >= 2 * DAY_ROWS) usualAlarms++;
  }
  return { usualAlarms, highRaised };
}

describe('position against the long-run level', () => {
  it('keeps a level shift in view after the fast baseline has taken it in, until the long-run memory does', () => {
    const p = position();
    const rng = new SeededRandom(3);
    p.start([50]);
    for (let i = 1; i < 3 * DAY_ROWS; i++) p.learn([50 + rng.normal()], 1 / (i + 1));
    // The first day of a shift to 60 (ten deviations): still far from the key's usual place at its end.
    for (let i = 0; i < DAY_ROWS; i++) p.learn([60 + rng.normal()], 1 - 2 ** (-STEP / (7 * 24 * 3_600_000)));
    expect(p.of([60]).z[0]).toBeGreaterThan(3);
    expect(p.of([50]).z[0]).toBeLessThan(0);
    // A 100% change of the level, in position units: what a shift the peers share is taken out by.
    expect(p.of([60]).perUnit[0]).toBeGreaterThan(10);
  });

  it('clips like the residuals, and credits a flat key with a deviation of 1% of its level', () => {
    const p = position();
    p.start([100]);
    expect(p.of([101]).z[0]).toBeCloseTo(1, 4);
    expect(p.of([1e9]).z[0]).toBe(20);
  });

  it("is never narrower than the hour's own noise: where a job runs every night, its height is that hour's ordinary", () => {
    const p = position();
    p.start([100]);
    // The key's spread is 1% of its level; at the job's hour the baseline has seen 30 units of noise beyond the day's.
    expect(p.of([130]).z[0]).toBe(20);
    expect(p.of([130], () => 30).z[0]).toBeCloseTo(1, 4);
    expect(p.of([130], () => 30).perUnit[0]).toBeCloseTo(100 / 30, 4);
  });

  // Fails with the position left out of the forest's point: the high burst is raised in none of these three
  // sets (its residual is clipped like every burst's), and the usual bursts raise 22 alarms instead of 9.
  it('raises a burst beyond the usual range, though its residual is no larger than the usual bursts’, and not the usual ones', () => {
    const sets = [1, 2, 3].map((seed) => bursts(seed, 3, 4));
    expect(sets.map((s) => s.highRaised)).toEqual([true, true, true]);
    expect(sets.reduce((n, s) => n + s.usualAlarms, 0)).toBeLessThanOrEqual(12);
  });
});

import { normalizedScore, PROFILES, probationRows, scaledSigmoid, scoreFile } from '../../../bench/lib/nab-scorer';

const minute = 60_000;
const times = Array.from({ length: 100 }, (_, i) => i * minute);
const flags = (...rows: number[]) => times.map((_, i) => rows.includes(i));
const window: Array<[number, number]> = [[40 * minute, 49 * minute]];

describe('NAB scorer', () => {
  it('uses NAB’s scaled sigmoid: +0.987 at a window’s left edge, 0 at its right edge, −1 far after', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(3.5)).toBe(-1);
  });

  it('skips the probationary 15 % (at most 750 rows)', () => {
    expect(probationRows(100)).toBe(15);
    expect(probationRows(10_000)).toBe(750);
    expect(scoreFile(times, flags(3), window, PROFILES.standard)).toMatchObject({ falsePositives: 0, falseNegatives: 1, raw: -1 });
  });

  it('credits only the earliest detection in a window, more for earlier ones', () => {
    const early = scoreFile(times, flags(40, 45), window, PROFILES.standard);
    const late = scoreFile(times, flags(48), window, PROFILES.standard);
    expect(early).toMatchObject({ truePositives: 1, falsePositives: 0, falseNegatives: 0 });
    expect(early.raw).toBeCloseTo(1, 6);
    expect(late.raw).toBeLessThan(early.raw);
  });

  it('charges false positives by distance after the previous window, full weight with none before', () => {
    const beforeAny = scoreFile(times, flags(20), window, PROFILES.standard);
    expect(beforeAny.raw).toBeCloseTo(-0.11 - 1, 6);
    const justAfter = scoreFile(times, flags(42, 51), window, PROFILES.standard);
    expect(justAfter.raw - scoreFile(times, flags(42), window, PROFILES.standard).raw).toBeCloseTo(0.11 * scaledSigmoid(2 / 10), 6);
  });

  it('normalises to 0 for the null detector and 100 for a perfect one', () => {
    const none = scoreFile(times, flags(), window, PROFILES.standard);
    const perfect = scoreFile(times, flags(40), window, PROFILES.standard);
    expect(normalizedScore([none], PROFILES.standard)).toBeCloseTo(0, 6);
    expect(normalizedScore([perfect], PROFILES.standard)).toBeCloseTo(100, 6);
  });
});

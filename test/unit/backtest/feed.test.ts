import { FleetDetector } from '../../../src/detector';
import { feed, type FeedRow } from '../../../src/backtest/feed';

const step = 300_000;
const t0 = Date.UTC(2026, 0, 5);
const value = (i: number, k = 0) => [40 + 5 * Math.sin(i / 9 + k) + ((i * 7919 + k) % 13) / 13];
const series = (key: string, n: number, k = 0): FeedRow[] => Array.from({ length: n }, (_, i) => ({ key, group: 'svc', timeMs: t0 + i * step, values: value(i, k) }));
const create = () => FleetDetector.create({ dimensions: 1, loadRelation: null });

describe('backtest feed', () => {
  it('gives one result per input row, in input order, late and duplicate rows included', () => {
    const rows = series('a', 40);
    const messy = [...rows.slice(0, 20), rows[10], ...rows.slice(20, 26), { ...rows[26], timeMs: rows[26].timeMs - 7 * step - 60_000 }, ...rows.slice(26)];
    const out = feed(messy, create());
    expect(out.rows).toHaveLength(messy.length);
    expect(out.rows.map((r) => r.kind).filter((k) => k !== 'in-order')).toEqual(['duplicate', 'late']);
    expect(out.rows[20].kind).toBe('duplicate');
    expect(out.series[0]).toMatchObject({ duplicates: 1, late: 1 });
  });

  it('scores a late or duplicate row but never learns it: what follows is as if it never came', () => {
    const rows = series('a', 60);
    const withLate = [...rows.slice(0, 30), { ...rows[12], values: [400] }, { ...rows[29], values: [900] }, ...rows.slice(30)];
    const clean = feed(rows, create()).rows.map((r) => r.detection);
    const messy = feed(withLate, create()).rows.map((r) => r.detection);
    expect(messy.slice(32)).toEqual(clean.slice(30));
    expect(messy[30].score).toBeGreaterThan(0);
  });

  it('keeps the verdict of a row for its exact re-send, which a second look would judge differently', () => {
    const rows = series('a', 40);
    const out = feed([...rows.slice(0, 31), rows[30], ...rows.slice(31)], create()).rows;
    expect(out[31]).toEqual({ kind: 'duplicate', detection: out[30].detection });
    const copy = FleetDetector.create({ dimensions: 1, loadRelation: null });
    rows.slice(0, 31).forEach((r) => copy.update(r.key, r.group, r.timeMs, r.values));
    expect(copy.update('a', 'svc', rows[30].timeMs, rows[30].values).score).not.toBe(out[30].detection.score);
  });

  it('feeds rows in time order even when a file lists one container after another', () => {
    const a = series('a', 30, 0);
    const b = series('b', 30, 1);
    const byFile = feed([...a, ...b], create()).rows.map((r) => r.detection);
    const interleaved = feed(a.flatMap((r, i) => [r, b[i]]), create()).rows.map((r) => r.detection);
    expect(byFile).toEqual([...interleaved.filter((_, i) => i % 2 === 0), ...interleaved.filter((_, i) => i % 2 === 1)]);
  });

  it('hands the detector each timestamp’s samples together, in one updateBatch', () => {
    const detector = create();
    const batches: string[][] = [];
    const original = detector.updateBatch.bind(detector);
    detector.updateBatch = (inputs) => {
      batches.push(inputs.map((i) => `${i.key}@${(i.timestampMs - t0) / step}`));
      return original(inputs);
    };
    const a = series('a', 3, 0);
    const b = series('b', 3, 1).slice(1);
    feed([...a, ...b], detector);
    expect(batches).toEqual([['a@0'], ['a@1', 'b@1'], ['a@2', 'b@2']]);
  });
});

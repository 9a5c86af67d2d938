import { BinaryReader, BinaryWriter } from '../../../src/detector/codec';
import { DEFAULT_DETECTOR_OPTIONS, HOUR_MS, MINUTE_MS } from '../../../src/detector/defaults';
import { ShiftsUnderWay } from '../../../src/detector/shifts-under-way';

const o = DEFAULT_DETECTOR_OPTIONS;
const T0 = Date.UTC(2026, 10, 2, 2);
/** The metrics (bit d) of the batch service's shift found this round. */
const found = (mask: number) => new Map([['batch', mask]]);

describe('shared shifts under way', () => {
  it('are adopted once they have lasted an episode, and once: a shared departure that ends sooner is left to the profiles', () => {
    const shifts = new ShiftsUnderWay(2);
    expect(shifts.record(found(1), T0, o).get('batch')).toBeUndefined();
    expect(shifts.underWay(T0 + 5 * MINUTE_MS, o).get('batch')).toBe(1);
    expect(shifts.record(found(1), T0 + o.episodeMs - MINUTE_MS, o).get('batch')).toBeUndefined();
    expect(shifts.record(found(1), T0 + o.episodeMs, o).get('batch')).toBe(1);
    expect(shifts.record(found(1), T0 + o.episodeMs + 5 * MINUTE_MS, o).get('batch')).toBeUndefined();
  });

  it('run on to their end, each metric from when it was found, and are gone after it', () => {
    const shifts = new ShiftsUnderWay(2);
    shifts.record(found(1), T0, o);
    // A metric that joins later is under way from then on.
    shifts.record(found(3), T0 + HOUR_MS / 2, o);
    expect(shifts.underWay(T0 + o.levelHalfLifeMs - MINUTE_MS, o).get('batch')).toBe(3);
    expect(shifts.underWay(T0 + o.levelHalfLifeMs, o).get('batch')).toBe(2);
    expect(shifts.underWay(T0 + o.levelHalfLifeMs + HOUR_MS / 2, o).get('batch')).toBeUndefined();
    shifts.record(found(0), T0 + o.levelHalfLifeMs + HOUR_MS / 2, o);
    // Found again after its end: a new shift, adopted an episode after this finding.
    expect(shifts.record(found(1), T0 + 4 * HOUR_MS, o).get('batch')).toBeUndefined();
    expect(shifts.record(found(1), T0 + 4 * HOUR_MS + o.episodeMs, o).get('batch')).toBe(1);
  });

  it('survive a state round trip, adopted or not', () => {
    const shifts = new ShiftsUnderWay(2);
    shifts.record(new Map([['batch', 1], ['api', 2]]), T0, o);
    shifts.record(new Map([['api', 2]]), T0 + o.episodeMs, o);
    const w = new BinaryWriter();
    shifts.write(w);
    const restored = new ShiftsUnderWay(2);
    restored.read(new BinaryReader(w.bytes()));
    expect(restored.underWay(T0 + HOUR_MS, o)).toEqual(shifts.underWay(T0 + HOUR_MS, o));
    expect(restored.record(new Map([['batch', 1], ['api', 2]]), T0 + o.episodeMs + MINUTE_MS, o)).toEqual(new Map([['batch', 1]]));
  });
});

import { DetectorStateOptionsError, FleetDetector, fleetDetectorFactory, resolveOptions } from '../../../src/detector';
import { SeededRandom } from '../../../src/detector/random';
import { dayOfWeek, hourOfDay, localClock } from '../../../src/detector/time';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('the detector’s days are local (timeZone)', () => {
  it('reads an instant on a zone’s wall clock, through daylight-saving changes and quarter-hour offsets', () => {
    const berlin = localClock('Europe/Berlin');
    // Central Europe moves to summer time on 2026-03-29 at 01:00 UTC (02:00 → 03:00 local).
    expect(hourOfDay(berlin(Date.UTC(2026, 2, 29, 0, 45)))).toBe(1.75);
    expect(hourOfDay(berlin(Date.UTC(2026, 2, 29, 1, 0)))).toBe(3);
    // New York leaves summer time on 2026-11-01 at 06:00 UTC (02:00 → 01:00 local).
    const newYork = localClock('America/New_York');
    expect(hourOfDay(newYork(Date.UTC(2026, 10, 1, 5, 59)))).toBeCloseTo(1 + 59 / 60);
    expect(hourOfDay(newYork(Date.UTC(2026, 10, 1, 6, 0)))).toBe(1);
    expect(hourOfDay(localClock('Asia/Kathmandu')(Date.UTC(2026, 0, 1, 0, 0)))).toBe(5.75);
    // Friday 15:00 UTC is Saturday midnight in Tokyo: the weekend has begun there.
    const friday = Date.UTC(2026, 10, 6, 15, 0);
    expect(dayOfWeek(friday)).toBe(4);
    expect(dayOfWeek(localClock('Asia/Tokyo')(friday))).toBe(5);
    // A late sample, before the quarter hour last asked for, is read with its own offset.
    expect(hourOfDay(berlin(Date.UTC(2026, 2, 28, 12, 0)))).toBe(13);
    expect(localClock('UTC')(friday)).toBe(friday);
  });

  it('refuses a time zone the runtime does not know, naming the option', () => {
    expect(() => resolveOptions({ timeZone: 'Europe/Atlantis' })).toThrow('detector option timeZone must be an IANA time zone such as Europe/Berlin, got "Europe/Atlantis"');
    expect(resolveOptions({ timeZone: 'Asia/Tokyo' }).timeZone).toBe('Asia/Tokyo');
    expect(resolveOptions().timeZone).toBe('UTC');
  });

  /** A quiet series with a job at 02:00–02:30 local time every night, around Berlin's change to summer time. */
  function nightlyJob(timeZone: string): { alarmsAfterChange: number; alarmsBefore: number } {
    const detector = FleetDetector.create({ dimensions: 1, trees: 10, sampleSize: 64, timeZone });
    const rng = new SeededRandom(3);
    const local = localClock('Europe/Berlin');
    const start = Date.UTC(2026, 2, 16); // a Monday, 13 days before the change
    const change = Date.UTC(2026, 2, 29, 1);
    let alarmsBefore = 0;
    let alarmsAfterChange = 0;
    for (let t = start; t < start + 20 * DAY; t += 5 * MINUTE) {
      const hour = hourOfDay(local(t));
      const value = 50 + rng.normal() + (hour >= 2 && hour < 2.5 ? 70 : 0);
      if (!detector.update('job', 'batch', t, [value]).isAnomaly) continue;
      // The job's first nights are news until its hour has shown it on most of three days.
      if (t >= start + 5 * DAY && t < change) alarmsBefore++;
      if (t >= change) alarmsAfterChange++;
    }
    return { alarmsBefore, alarmsAfterChange };
  }

  it('expects a job on local time at its local hour after a daylight-saving change (in UTC it is news for nights)', () => {
    expect(nightlyJob('Europe/Berlin')).toEqual({ alarmsBefore: 0, alarmsAfterChange: 0 });
    // The same series on UTC hours: the job comes an hour early in UTC from the change on.
    const utc = nightlyJob('UTC');
    expect(utc.alarmsBefore).toBe(0);
    expect(utc.alarmsAfterChange).toBeGreaterThanOrEqual(1);
  });

  it('restores a state only under the options it was learned with: another time zone re-learns', () => {
    const detector = FleetDetector.create({ dimensions: 1 });
    for (let t = 0; t < DAY; t += HOUR) detector.update('k', 'g', t, [1 + (t % 7)]);
    const bytes = detector.serialize();
    expect(fleetDetectorFactory({ dimensions: 1 }).deserialize(bytes).size()).toBe(1);
    const moved = () => fleetDetectorFactory({ dimensions: 1, timeZone: 'Europe/Berlin' }).deserialize(bytes);
    expect(moved).toThrow(DetectorStateOptionsError);
    expect(moved).toThrow('detector state was learned with other options (timeZone)');
  });
});

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
    // Antarctica/Casey moved to +11 at 16:01 UTC on 2022-10-01, inside a quarter hour: read minute by minute there.
    const casey = localClock('Antarctica/Casey');
    expect(hourOfDay(casey(Date.UTC(2022, 9, 1, 16, 0)))).toBe(0);
    expect(hourOfDay(casey(Date.UTC(2022, 9, 1, 16, 2)))).toBeCloseTo(3 + 2 / 60);
  });

  it('takes a zone by its canonical name, and refuses names that mean another offset than they seem', () => {
    expect(['utc', 'Etc/UTC', 'GMT'].map((timeZone) => resolveOptions({ timeZone }).timeZone)).toEqual(['UTC', 'UTC', 'UTC']);
    expect(resolveOptions({ timeZone: 'europe/berlin' }).timeZone).toBe('Europe/Berlin');
    // EST is Panama's fixed −5 (no daylight saving), Etc/GMT+5 is five hours behind UTC.
    for (const timeZone of ['EST', 'CET', 'Etc/GMT+5', ' Europe/Berlin', '']) expect(() => resolveOptions({ timeZone })).toThrow('detector option timeZone must be an IANA time zone');
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
    // The same series on UTC hours: the job comes an hour early in UTC from the change on, news for two nights.
    expect(nightlyJob('UTC')).toEqual({ alarmsBefore: 0, alarmsAfterChange: 2 });
  });

  /**
   * Weekdays at 100, the weekend (Tokyo's Saturday and Sunday) at 60; in the
   * third week the weekend's first two hours run at the weekdays' 100 (a job
   * left running): alarms within those hours, and elsewhere in that week.
   */
  function tokyoWeekends(timeZone: string): { during: number; elsewhere: number } {
    const detector = FleetDetector.create({ dimensions: 1, trees: 10, sampleSize: 64, timeZone });
    const rng = new SeededRandom(4);
    const tokyo = localClock('Asia/Tokyo');
    const start = Date.UTC(2026, 10, 1, 15); // Monday 00:00 in Tokyo
    const incident = [start + 19 * DAY, start + 19 * DAY + 2 * HOUR];
    const alarms = { during: 0, elsewhere: 0 };
    for (let t = start; t < start + 21 * DAY; t += 5 * MINUTE) {
      const level = dayOfWeek(tokyo(t)) >= 5 && !(t >= incident[0] && t < incident[1]) ? 60 : 100;
      if (!detector.update('api', 'api', t, [level + rng.normal()]).isAnomaly || t < start + 14 * DAY) continue;
      if (t >= incident[0] && t < incident[1] + HOUR) alarms.during++;
      else alarms.elsewhere++;
    }
    return alarms;
  }

  it('expects a weekend from local midnight: a job left running into Tokyo’s Saturday is raised (on UTC weekdays that Saturday starts inside a Friday, and it is not)', () => {
    expect(tokyoWeekends('Asia/Tokyo')).toEqual({ during: 1, elsewhere: 0 });
    expect(tokyoWeekends('UTC')).toEqual({ during: 0, elsewhere: 0 });
  });

  it('restores a state only under the options it was learned with: another time zone re-learns', () => {
    const detector = FleetDetector.create({ dimensions: 1 });
    for (let t = 0; t < DAY; t += HOUR) detector.update('k', 'g', t, [1 + (t % 7)]);
    const bytes = detector.serialize();
    expect(fleetDetectorFactory({ dimensions: 1 }).deserialize(bytes).size()).toBe(1);
    // Another name of the same zone is no other state; a decision option is the restoring detector's own from now on.
    expect(fleetDetectorFactory({ dimensions: 1, timeZone: 'Etc/UTC', dailyRisk: 0.02 }).deserialize(bytes).size()).toBe(1);
    expect(FleetDetector.deserialize(bytes, resolveOptions({ dimensions: 1, dailyRisk: 0.02 })).options.dailyRisk).toBe(0.02);
    expect(FleetDetector.deserialize(bytes).options.dailyRisk).toBe(0.01);
    expect(() => FleetDetector.deserialize(bytes, resolveOptions({ dimensions: 1, trees: 10 }))).toThrow('detector state was learned with other options (trees)');
    const moved = () => fleetDetectorFactory({ dimensions: 1, timeZone: 'Europe/Berlin' }).deserialize(bytes);
    expect(moved).toThrow(DetectorStateOptionsError);
    expect(moved).toThrow('detector state was learned with other options (timeZone)');
  });
});

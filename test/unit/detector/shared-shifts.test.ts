/**
 * Shifts peers share, on the incident simulator's fleet (tuning seed 1, 5-minute
 * steps): the Thursday deploy that raises every api container's memory, and the
 * weekend's fleet-wide drop, are the peers' new normal, not container alarms.
 */
import { detectorAlarms } from '../../../bench/lib/incident-run';
import { SERVICE_SHIFT, SHARED_SHIFTS, START_MS } from '../../../bench/lib/incident-plan';
import { generateIncidentSet } from '../../../bench/lib/incidents';
import { GRACE_MS } from '../../../bench/lib/incident-scoring';

const HOUR = 3_600_000;
const set = generateIncidentSet(1, 5);
const all = detectorAlarms(set);
const alarms = all.filter((a) => a.scope === 'container');
const isIncident = (a: { key: string; timeMs: number }) => set.incidents.some((i) => i.container === a.key && a.timeMs >= i.fromMs - set.stepMs && a.timeMs < i.toMs + GRACE_MS);
const falseWithin = (fromMs: number, hours: number, group?: string) =>
  alarms.filter((a) => !isIncident(a) && a.timeMs >= fromMs && a.timeMs < fromMs + hours * HOUR && (group === undefined || a.group === group));

describe('shifts the peers share', () => {
  it('adopts a deploy its whole service shares: no api container alarm in the day after it', () => {
    const deployMs = START_MS + SERVICE_SHIFT.atMinute * 60_000;
    expect(falseWithin(deployMs, 24, SERVICE_SHIFT.service)).toEqual([]);
    // Adopted, and said: one shared event for it within the hour (the service's, or the fleet's when other containers happen to move with it).
    const events = all.filter((a) => a.scope !== 'container' && a.timeMs >= deployMs && a.timeMs < deployMs + HOUR);
    expect(events).toHaveLength(1);
  });

  it('adopts the weekend drop the whole fleet shares: no container alarm in the hour after it', () => {
    // Within the hour: the batch service's nightly job two hours later is another matter.
    expect(falseWithin(SHARED_SHIFTS.fleet[0], 1)).toEqual([]);
  });
});

describe('a shared shift no container shows on its own', () => {
  it('takes the weekend drop out at 15-minute steps too, where it is two deviations in each container: no container alarm in its hour (tuning seed 4)', () => {
    // At 15 minutes a quarter less traffic is about two deviations: no member moves beyond three, yet all eight move at once.
    const coarse = generateIncidentSet(4, 15);
    const weekendAlarms = detectorAlarms(coarse).filter((a) => a.scope === 'container' && a.timeMs >= SHARED_SHIFTS.fleet[0] && a.timeMs < SHARED_SHIFTS.fleet[0] + HOUR);
    expect(weekendAlarms).toEqual([]);
  });
});

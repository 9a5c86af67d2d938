/**
 * The embedded model alarms once per episode (an hour), however long the
 * unusual stretch lasts; scoring must say the stretch goes on between alarms, or an incident "resolves" in the middle of it (the local
 * run's memory leak did, and had its scale-out given back while it leaked).
 */
import { fleetDetectorFactory } from '../../../src/detector';
import { scoreBatch } from '../../../src/pipeline/scoring';
import { FleetSim, defaultIncidents } from '../../../src/sim/fleet';
import { noDeadline } from '../../support/fakes';

it('marks a leaking container unusual for the whole leak after its one alarm', async () => {
  // Past the warm-up; only the leaking container, to keep the test quick.
  const history = 2 * 288 + 24;
  const sim = new FleetSim({ seed: 7, startMs: Date.UTC(2026, 10, 16), incidents: defaultIncidents(history) });
  const leak = sim.incidents.find((i) => i.kind === 'memory-leak')!;
  const containers = sim.containers.filter((c) => c.containerId === leak.containerId);
  const detector = fleetDetectorFactory().create();
  const verdicts: Array<{ step: number; isAnomaly: boolean; unusual: boolean }> = [];
  for (let step = 0; step <= leak.toStep; step++) {
    const samples = containers.map((c) => {
      const m = sim.sample(c, step);
      return { ...c, timestamp: new Date(sim.timeOf(step)).toISOString(), metrics: m, sources: ['splunk' as const] };
    });
    const { scores } = await scoreBatch(samples, detector, undefined, noDeadline);
    const leaking = scores.find((s) => s.containerId === leak.containerId)!;
    if (step >= leak.fromStep) verdicts.push({ step, isAnomaly: leaking.isAnomaly, unusual: leaking.unusual });
  }
  const alarms = verdicts.filter((v) => v.isAnomaly);
  // Raised once an episode at most (the leak lasts 300 minutes), never on every sample.
  expect(alarms.length).toBeGreaterThanOrEqual(1);
  expect(alarms.length).toBeLessThanOrEqual(5);
  expect(alarms.length).toBeLessThan(verdicts.filter((v) => v.unusual).length);
  // Between its alarms the stretch goes on: every sample from the first alarm to the last is unusual, so the
  // incident cannot resolve between them. (Not to the leak's end: in its last two hours the baselines and the
  // forest have learned the rising level and the samples read as usual again — a known gap, see issue #14.)
  const last = alarms[alarms.length - 1].step;
  expect(verdicts.filter((v) => v.step >= alarms[0].step && v.step <= last).every((v) => v.unusual)).toBe(true);
});

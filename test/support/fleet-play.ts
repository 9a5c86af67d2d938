/**
 * A small fleet played every five minutes through one embedded detector, for
 * the tests of peers: `keysAt(t)` says which [group, key] report at t,
 * `values` makes each sample, drawing its noise from `rng` in its own order
 * (so each test's numbers stay its own), and `beforeRound` moves what a round
 * shares (a service's traffic wander). Returns every anomaly raised.
 */
import { FleetDetector, type DetectionScope, type DetectorInput } from '../../src/detector';
import { SeededRandom } from '../../src/detector/random';

export const STEP_MS = 5 * 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Monday 2 November 2026, 00:00 UTC. */
export const FLEET_START_MS = Date.UTC(2026, 10, 2);

export interface FleetPlay {
  seed: number;
  untilMs: number;
  keysAt: (t: number) => readonly string[][];
  values: (group: string, key: string, t: number, rng: SeededRandom) => number[];
  beforeRound?: (t: number, rng: SeededRandom) => void;
}

export interface PlayedAlarm {
  t: number;
  group: string;
  key: string;
  scope: DetectionScope;
}

export function playFleet(play: FleetPlay): PlayedAlarm[] {
  const rng = new SeededRandom(play.seed);
  const detector = FleetDetector.create();
  const alarms: PlayedAlarm[] = [];
  for (let t = FLEET_START_MS; t < play.untilMs; t += STEP_MS) {
    play.beforeRound?.(t, rng);
    const inputs: DetectorInput[] = play.keysAt(t).map(([group, key]) => ({ key, group, timestampMs: t, values: play.values(group, key, t, rng) }));
    detector.updateBatch(inputs).forEach((v, i) => v.isAnomaly && alarms.push({ t, group: inputs[i].group, key: inputs[i].key, scope: v.scope }));
  }
  return alarms;
}

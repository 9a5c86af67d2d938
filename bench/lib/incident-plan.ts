/**
 * What the container-incident simulator plays: a fleet of 8 containers in 4
 * services over 8 days (Monday to Monday, so a whole weekend and the return
 * to weekday levels), the known changes that are not incidents, and 10
 * labelled incidents of 8 kinds at times that make them hard (at night, on a
 * weekend, at the daily peak). Times are in minutes, so the same plan plays
 * at any sampling step.
 */
import type { IncidentKind } from '../../src/sim/incident-effects';

/**
 * Seeds used to choose anything (defaults, rules, thresholds): `npm run bench:incidents` runs these.
 * The reporting seeds are never used for choosing; only `npm run bench:generalize` runs them.
 */
export const TUNING_SEEDS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8];
export const REPORTING_SEEDS: readonly number[] = [101, 102, 103];

/** Monday 5 October 2026, 00:00 UTC. */
export const START_MS = Date.UTC(2026, 9, 5);
export const DAYS = 8;
export const MINUTE_MS = 60_000;
export const DAY_MINUTES = 1440;
export const TOTAL_MINUTES = DAYS * DAY_MINUTES;

export interface ServicePlan {
  service: string;
  containers: string[];
  /** Traffic scale, the daily wave's amplitude (share of the level) and its peak hour. */
  traffic: number;
  amplitude: number;
  peakHour: number;
  cpuPerTraffic: number;
  mem: number;
  disk: number;
  /** A nightly job (start and end minute of day): disk ×3 and CPU +20 points, every night. Known, not an incident. */
  nightlyJob?: [number, number];
}

export const SERVICES: ServicePlan[] = [
  { service: 'api', containers: ['api-1', 'api-2', 'api-3'], traffic: 50, amplitude: 0.5, peakHour: 14, cpuPerTraffic: 0.7, mem: 45, disk: 120 },
  { service: 'worker', containers: ['worker-1', 'worker-2'], traffic: 25, amplitude: 0.3, peakHour: 11, cpuPerTraffic: 1.1, mem: 38, disk: 90 },
  { service: 'batch', containers: ['batch-1', 'batch-2'], traffic: 12, amplitude: 0.2, peakHour: 15, cpuPerTraffic: 1.5, mem: 52, disk: 200, nightlyJob: [120, 165] },
  // Strongly seasonal and without incidents: every alarm on it is false.
  { service: 'web', containers: ['web-1'], traffic: 60, amplitude: 0.9, peakHour: 20, cpuPerTraffic: 0.4, mem: 33, disk: 60 },
];

/**
 * The whole fleet's traffic on a weekend, against a weekday: from Saturday
 * 00:00 every container drops by a quarter at once, and returns on Monday.
 * Shared by all peers, so it is at most one fleet event, never an incident.
 */
export const WEEKEND_LEVEL = 0.75;

/** A deploy that raises every `api` container's memory at once (Thursday 15:00): a service event, not an incident. */
export const SERVICE_SHIFT = { service: 'api', atMinute: 3 * DAY_MINUTES + 15 * 60, memPoints: 10 };

/** The shifts the fleet shares (ms): the weekend's start and end, and the deploy. */
export const SHARED_SHIFTS = {
  fleet: [5 * DAY_MINUTES, 7 * DAY_MINUTES].map((m) => START_MS + m * MINUTE_MS),
  service: [START_MS + SERVICE_SHIFT.atMinute * MINUTE_MS],
};

export interface IncidentPlan {
  container: string;
  kind: IncidentKind;
  /** Day (0 = Monday) and the hours within which it starts (drawn from the seed). */
  day: number;
  startHours: [number, number];
  minutes: number;
  /** What makes it hard, for the table's list of misses. */
  label: string;
}

export const INCIDENTS: IncidentPlan[] = [
  { container: 'api-1', kind: 'cpu-runaway', day: 2, startHours: [10, 17], minutes: 90, label: 'CPU runaway' },
  { container: 'api-2', kind: 'traffic-surge', day: 3, startHours: [1, 4], minutes: 55, label: 'night network surge' },
  { container: 'worker-1', kind: 'memory-leak', day: 3, startHours: [8, 18], minutes: 150, label: 'memory leak' },
  { container: 'worker-2', kind: 'outage', day: 6, startHours: [1, 4], minutes: 60, label: 'Sunday-night outage' },
  { container: 'batch-1', kind: 'disk-storm', day: 4, startHours: [9, 16], minutes: 45, label: 'disk thrash' },
  { container: 'api-3', kind: 'cpu-rise-flat-traffic', day: 4, startHours: [9, 14], minutes: 240, label: 'CPU rising while traffic flat' },
  { container: 'api-1', kind: 'cpu-runaway', day: 5, startHours: [18, 21], minutes: 120, label: 'Saturday-evening CPU runaway' },
  { container: 'api-3', kind: 'outage', day: 2, startHours: [11, 16], minutes: 30, label: 'daytime outage' },
  { container: 'worker-1', kind: 'hung-process', day: 5, startHours: [10, 16], minutes: 90, label: 'hung process' },
  { container: 'api-2', kind: 'traffic-drop', day: 7, startHours: [9, 15], minutes: 120, label: 'traffic drop' },
];

/** The sampling steps every evaluation plays the plan at (minutes). */
export const STEPS_MINUTES: readonly number[] = [1, 5, 15, 60];

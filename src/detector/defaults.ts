/**
 * The detector's options and their defaults: the Lambda, the local run and
 * the backtest CLI all use exactly these unless told otherwise. Every memory
 * is a duration (converted to per-sample weights from the time that actually
 * elapsed), every level a probability: the same defaults mean the same thing
 * at 1-, 5-, 15- or 60-minute steps. None was fitted to a benchmark file; each
 * carries the reason it has its value.
 */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;
/** The forest sees two numbers per metric: its residual against the seasonal baseline and its position against the long-run level (position.ts). */
export const FEATURES_PER_METRIC = 2;

export interface DetectorOptions {
  // Structure (what the data is, and the forest's shape), not tuning.
  /** Metrics per sample (4 for containers: METRIC_NAMES order). */
  dimensions: number;
  /** Consecutive samples in one forest point, so the forest sees motion, not just level. */
  shingleSize: number;
  trees: number;
  /** Points each tree keeps. */
  sampleSize: number;
  /**
   * `[metric, driver]`: `metric` (CPU) is judged on what its driver (traffic)
   * does not explain, so CPU rising while traffic stays flat stands out. `null`
   * for series without such a pair.
   */
  loadRelation: [number, number] | null;
  seed: number;
  /** The IANA time zone whose days and weeks the profiles follow (hours, weekdays and the hours' recurring evidence are local). */
  timeZone: string;

  // Tuning: ten knobs, each a duration or a probability.
  /** A new key is judged only after this much time (not this many rows). */
  warmupMs: number;
  /** Half-life of the deseasonalised level. */
  levelHalfLifeMs: number;
  /** Half-life of the daily and weekly profiles (each bucket's memory, in elapsed time), and of the long-run level a value's position is taken against. */
  profileHalfLifeMs: number;
  /** Half-life of the noise scale each metric is standardised by. */
  scaleHalfLifeMs: number;
  /** Half-life of a point's weight in the forest's reservoirs. */
  forestHalfLifeMs: number;
  /** Half-life of the running average of forest scores that is judged (the evidence). */
  evidenceHalfLifeMs: number;
  /** Half-life of the evidence's distribution the tail probability is taken from, and the window of each metric's tail of values (peaks.ts, kept as seven blocks of a seventh each). */
  calibrationHalfLifeMs: number;
  /** The chance that one key raises a false alarm on an ordinary day: the one risk level the decision uses. */
  dailyRisk: number;
  /** An alarm's episode lasts while its metric keeps the key unusual and this long beyond (a service's or the fleet's event, this long after it): one incident, one alarm. */
  episodeMs: number;
  /** A shift at least this share of a service's (or the fleet's) containers show at once is theirs, not each container's. */
  peerShare: number;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = {
  dimensions: 4,
  shingleSize: 1,
  trees: 30,
  sampleSize: 128,
  // cpu_pct from net_mbps, in the container metric order (METRIC_NAMES).
  loadRelation: [0, 2],
  seed: 42,
  // The timestamps' own zone. A team whose load follows local days names its zone (Europe/Berlin): a weekend then starts at
  // local midnight, and a daylight-saving change moves neither the daily profile nor a job on local time (one on UTC
  // then moves by an hour at each change, as a local job does on UTC hours: one zone per environment).
  timeZone: 'UTC',
  // One full daily cycle: every hour of the day has been seen once before any of it is judged.
  warmupMs: DAY_MS,
  // A few hours: follows a level that moves over the day's course, while an hour-long incident moves it little.
  levelHalfLifeMs: 3 * HOUR_MS,
  // A week of days shapes each hour's (and each weekday's) expectation, so one odd day moves it by a tenth.
  profileHalfLifeMs: WEEK_MS,
  // One day: the noise of the whole daily cycle, not just of the quiet or the busy hours.
  scaleHalfLifeMs: DAY_MS,
  // A few days: the forest's sample spans several daily cycles, yet forgets a change that has become normal within a week.
  forestHalfLifeMs: 3 * DAY_MS,
  // A quarter hour (Numenta's ten 5-minute scores, as an exponential average): one stray high score counts for little, three in a row for much.
  evidenceHalfLifeMs: 15 * MINUTE_MS,
  // A week: "recent behaviour" includes every weekday and the weekend, so a weekly peak is not news.
  calibrationHalfLifeMs: WEEK_MS,
  // About one false alarm per key in a hundred days: a real incident (days apart, in most containers) stays the likelier news.
  dailyRisk: 0.01,
  // An hour: a stretch that calms for less than an hour is the same incident (a flapping health check, a spike's echo).
  episodeMs: HOUR_MS,
  // "Most peers": more than half of them moved together.
  peerShare: 0.5,
};

export function resolveOptions(partial: Partial<DetectorOptions> = {}): DetectorOptions {
  const o = { ...DEFAULT_DETECTOR_OPTIONS, ...partial };
  // The default relation (CPU from traffic) belongs to the default metric layout; other layouts name their own.
  if (partial.loadRelation === undefined && o.dimensions !== DEFAULT_DETECTOR_OPTIONS.dimensions) o.loadRelation = null;
  for (const k of ['dimensions', 'shingleSize', 'trees', 'sampleSize'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new Error(`detector option ${k} must be a positive integer, got ${o[k]}`);
  }
  // A shared shift names its metrics as the bits of one 32-bit mask.
  if (o.dimensions > 31) throw new Error(`detector option dimensions must be at most 31, got ${o.dimensions}`);
  if (FEATURES_PER_METRIC * o.dimensions * o.shingleSize > 255) throw new Error(`detector options dimensions × shingleSize must be at most ${Math.floor(255 / FEATURES_PER_METRIC)}`);
  if (o.loadRelation !== null) {
    const [metric, driver] = o.loadRelation;
    const inRange = (i: number) => Number.isInteger(i) && i >= 0 && i < o.dimensions;
    if (!inRange(metric) || !inRange(driver) || metric === driver) {
      throw new Error(`detector option loadRelation must name two different metrics below dimensions (${o.dimensions}), got [${metric}, ${driver}]`);
    }
  }
  const zone = typeof o.timeZone === 'string' ? canonicalTimeZone(o.timeZone) : undefined;
  if (zone === undefined) throw new Error(`detector option timeZone must be an IANA time zone such as Europe/Berlin, got ${JSON.stringify(o.timeZone)}`);
  o.timeZone = zone;
  if (!(o.warmupMs >= 0)) throw new Error(`detector option warmupMs must be a duration of at least 0 ms, got ${o.warmupMs}`);
  for (const k of ['levelHalfLifeMs', 'profileHalfLifeMs', 'scaleHalfLifeMs', 'forestHalfLifeMs', 'evidenceHalfLifeMs', 'calibrationHalfLifeMs', 'episodeMs'] as const) {
    if (!(o[k] > 0 && Number.isFinite(o[k]))) throw new Error(`detector option ${k} must be a positive duration in ms, got ${o[k]}`);
  }
  // A shared shift counts as under way for a level half-life and is adopted once it has lasted an episode (shifts-under-way.ts).
  if (o.episodeMs >= o.levelHalfLifeMs) throw new Error(`detector option episodeMs (${o.episodeMs}) must be shorter than levelHalfLifeMs (${o.levelHalfLifeMs}): a shared shift would never be adopted`);
  for (const k of ['dailyRisk', 'peerShare'] as const) {
    if (!(o[k] > 0 && o[k] < 1)) throw new Error(`detector option ${k} must be a probability in (0, 1), got ${o[k]}`);
  }
  return o;
}

/**
 * The canonical name of an IANA time zone this runtime knows (UTC for every
 * alias of it: Etc/UTC, GMT, utc), or undefined. Only a region/city name or
 * UTC: an abbreviation names a fixed offset or another city than it seems
 * (EST is Panama's, without daylight saving), and Etc/GMT+5 is five hours
 * behind UTC.
 */
export function canonicalTimeZone(name: string): string | undefined {
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  if (canonical === 'UTC') return canonical;
  return name.includes('/') && !canonical.startsWith('Etc/') ? canonical : undefined;
}

/** How long a new key warms up before it may raise anomalies (the CLI warns when a series is shorter). */
export function warmupMsOf(options: DetectorOptions): number {
  return options.warmupMs;
}

/**
 * The one place the cross-validation's grid is declared: a few detector
 * options and the values `npm run bench:generalize` chooses between, on one
 * half of NAB's AWS files, before scoring the choice on the other half. Keep
 * it small (a risk level and at most one more option): a big grid fitted to
 * 8 files measures the fit, not the detector. Names are checked against the
 * detector's options both by the compiler and at run time, so a renamed or
 * removed option stops the benchmark with a clear message instead of being
 * silently ignored.
 */
import { formatDuration } from '../../src/backtest/irregularities';
import { DEFAULT_DETECTOR_OPTIONS, type DetectorOptions } from '../../src/detector';
import { MINUTE_MS } from '../../src/detector/defaults';

/** Options whose value is a number (the grid varies nothing else). */
export type NumericOption = { [K in keyof DetectorOptions]-?: DetectorOptions[K] extends number ? K : never }[keyof DetectorOptions];

export interface GridAxis {
  option: NumericOption;
  values: readonly number[];
}

export const CV_GRID: readonly GridAxis[] = [
  // The one risk level the decision uses: the trade between false alarms and missed incidents.
  { option: 'dailyRisk', values: [0.003, 0.01, 0.03] },
  // How long the evidence averages forest scores: the other main trade, between a stray high score and a slow departure.
  { option: 'evidenceHalfLifeMs', values: [5 * MINUTE_MS, 15 * MINUTE_MS, 45 * MINUTE_MS] },
];

/** Throws, naming the option, when the grid names one the detector does not have (the compiler catches it too). */
export function checkGrid(grid: readonly GridAxis[], defaults: object = DEFAULT_DETECTOR_OPTIONS): void {
  for (const axis of grid) {
    const current = (defaults as Record<string, unknown>)[axis.option];
    if (typeof current !== 'number') throw new Error(`bench/lib/cv-grid.ts names detector option "${axis.option}", which the detector no longer has as a number: update the grid`);
    if (axis.values.length === 0) throw new Error(`bench/lib/cv-grid.ts gives option "${axis.option}" no values`);
  }
}

/** Every combination of the grid's values, in declaration order (the first axis varies slowest). */
export function gridSettings(grid: readonly GridAxis[] = CV_GRID): Array<Partial<DetectorOptions>> {
  checkGrid(grid);
  return grid.reduce<Array<Partial<DetectorOptions>>>((settings, axis) => settings.flatMap((s) => axis.values.map((v) => ({ ...s, [axis.option]: v }))), [{}]);
}

/** One option's value as a reader wants it: options in ms (`…Ms`) as durations. */
export function describeValue(option: string, value: unknown): string {
  return option.endsWith('Ms') && typeof value === 'number' ? formatDuration(value) : String(value);
}

/** `dailyRisk=0.01 evidenceHalfLifeMs=15m`, with `(defaults)` when every value is the default; durations (`…Ms`) read as durations. */
export function describeSetting(setting: Partial<DetectorOptions>): string {
  const entries = Object.entries(setting);
  const text = entries.map(([k, v]) => `${k}=${describeValue(k, v)}`).join(' ');
  const isDefault = entries.every(([k, v]) => (DEFAULT_DETECTOR_OPTIONS as unknown as Record<string, unknown>)[k] === v);
  return isDefault ? `${text} (defaults)` : text;
}

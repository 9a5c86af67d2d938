import { DEFAULT_DETECTOR_OPTIONS } from '../../../src/detector';
import { gridSettings } from '../../../bench/lib/cv-grid';
import { PROFILE_NAMES, type NabFile, type ProfileScores } from '../../../bench/lib/nab-data';
import { nabJobs, nabPlan, nabRows } from '../../../bench/lib/nab-report';
import { PROFILES, type FileScore } from '../../../bench/lib/nab-scorer';

/** Two files of one window each: `found` says, per file, whether the window was found at its start (raw tp) or missed (raw −fn). */
function scores(found: [boolean, boolean]): ProfileScores {
  const file = (hit: boolean, p: (typeof PROFILE_NAMES)[number]): FileScore => ({ raw: hit ? PROFILES[p].tp : -PROFILES[p].fn, windows: 1, truePositives: hit ? 1 : 0, falsePositives: 0, falseNegatives: hit ? 0 : 1 });
  return Object.fromEntries(PROFILE_NAMES.map((p) => [p, found.map((hit) => file(hit, p))])) as ProfileScores;
}

const files = ['a.csv', 'b.csv'].map((name) => ({ name }) as NabFile);
const plan = nabPlan('/nab', [101, 102]);
const defaultIndex = plan.settings.findIndex((s) => Object.keys(s).every((k) => s[k as keyof typeof s] === DEFAULT_DETECTOR_OPTIONS[k as keyof typeof s]));

/** Results in job order: the default seed's defaults, then seed 101's grid, then seed 102's; only seed 101's defaults find both windows. */
function results(): ProfileScores[] {
  const grid = (seed: number) => plan.settings.map((_, i) => scores(seed === 101 && i === defaultIndex ? [true, true] : [false, false]));
  return [scores([true, false]), ...grid(101), ...grid(102)];
}

const cell = (rows: string[][], label: string, column: number) => rows.find((r) => r[0] === label || r[1] === label)?.[column];

describe("bench:generalize's NAB part", () => {
  it('runs the defaults at the default seed, then the whole grid on each reporting seed', () => {
    const jobs = nabJobs(plan);
    expect(jobs).toHaveLength(1 + 2 * gridSettings().length);
    expect(jobs[0]).toEqual({ kind: 'nab', dir: '/nab', setting: {} });
    expect(jobs.slice(1).map((j) => (j.kind === 'nab' ? j.setting.seed : undefined))).toEqual([...plan.settings.map(() => 101), ...plan.settings.map(() => 102)]);
  });

  it('claims the mean over the reporting seeds, shows each, and shows the default seed apart', () => {
    const { rows, notes } = nabRows(plan, files, results());
    expect(cell(rows, 'NAB AWS, 2 files, defaults, seeds 101, 102', 2)).toBe('50.0 / 50.0 / 50.0');
    expect(cell(rows, 'standard, per seed', 2)).toBe('100.0, 0.0');
    expect(cell(rows, 'standard-profile detections, per seed', 2)).toBe('TP 2, FP 0, FN 0; TP 0, FP 0, FN 2');
    expect(cell(rows, `NAB AWS, defaults, seed ${DEFAULT_DETECTOR_OPTIONS.seed} (chosen with)`, 2)).toBe('50.0 / 50.0 / 50.0');
    // Seed 101 chooses the defaults on either half; seed 102 ties everywhere and takes the grid's first setting.
    const first = 'CV 1: chosen on A (1), scored on B (1)';
    expect(cell(rows, `NAB 2-fold ${first}`, 2)).toBe('50.0 / 50.0 / 50.0');
    expect(cell(rows, `NAB 2-fold ${first}`, 3)).toBe('chosen dailyRisk=0.01 evidenceHalfLifeMs=15m (defaults), dailyRisk=0.003 evidenceHalfLifeMs=5m');
    expect(cell(rows, 'NAB 2-fold CV, mean of held-out halves, seeds 101, 102', 3)).toBe('per seed 100.0, 0.0');
    expect(notes[0]).toContain('NAB figures are on forest seeds 101, 102 (never used for choosing)');
  });

  it('refuses results that do not match its jobs, and a grid without the defaults', () => {
    expect(() => nabRows(plan, files, results().slice(1))).toThrow(/18 results for 19 jobs/);
    const noDefaults = { ...plan, settings: plan.settings.filter((_, i) => i !== defaultIndex) };
    expect(() => nabRows(noDefaults, files, results().slice(0, 1 + 2 * noDefaults.settings.length))).toThrow(/grid holds the defaults/);
  });
});

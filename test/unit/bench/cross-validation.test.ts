import { crossValidate, scoreOn, splitHalves, type ScoredSetting } from '../../../bench/lib/cross-validation';
import { checkGrid, CV_GRID, describeSetting, gridSettings } from '../../../bench/lib/cv-grid';
import type { ProfileScores } from '../../../bench/lib/nab-data';
import type { FileScore } from '../../../bench/lib/nab-scorer';
import { DEFAULT_DETECTOR_OPTIONS } from '../../../src/detector';

const NAB_AWS = [
  'ec2_cpu_utilization_24ae8d.csv', 'ec2_cpu_utilization_53ea38.csv', 'ec2_cpu_utilization_5f5533.csv', 'ec2_cpu_utilization_77c1ca.csv',
  'ec2_cpu_utilization_825cc2.csv', 'ec2_cpu_utilization_ac20cd.csv', 'ec2_cpu_utilization_c6585a.csv', 'ec2_cpu_utilization_fe7f93.csv',
  'ec2_disk_write_bytes_1ef3de.csv', 'ec2_disk_write_bytes_c0d644.csv', 'ec2_network_in_257a54.csv', 'ec2_network_in_5abac7.csv',
  'elb_request_count_8c0756.csv', 'grok_asg_anomaly.csv', 'iio_us-east-1_i-a2eb1cd9_NetworkIn.csv', 'rds_cpu_utilization_cc0c53.csv', 'rds_cpu_utilization_e47b3b.csv',
];

/** A file with one window: found (raw 1) or missed (raw −1). */
const file = (found: boolean): FileScore => ({ raw: found ? 1 : -1, windows: 1, truePositives: found ? 1 : 0, falsePositives: 0, falseNegatives: found ? 0 : 1 });
const setting = (name: number, found: boolean[]): ScoredSetting => {
  const files = found.map(file);
  const scores: ProfileScores = { standard: files, reward_low_FP_rate: files, reward_low_FN_rate: files };
  return { setting: { seed: name }, scores };
};

describe('two-fold cross-validation', () => {
  it('splits NAB’s 17 AWS files into fixed halves: name order, alternately (9 and 8)', () => {
    const [a, b] = splitHalves([...NAB_AWS].reverse());
    expect(a).toEqual(NAB_AWS.filter((_, i) => i % 2 === 0));
    expect(b).toEqual(NAB_AWS.filter((_, i) => i % 2 === 1));
    expect([a.length, b.length]).toEqual([9, 8]);
    expect(a).toContain('ec2_disk_write_bytes_1ef3de.csv');
    expect(b).toContain('ec2_disk_write_bytes_c0d644.csv');
  });

  it('chooses on one half and reports the other: a setting that only fits the tuning half is caught', () => {
    const names = ['a', 'b', 'c', 'd'];
    // Halves: A = a, c; B = b, d. Setting 1 finds A's windows only, setting 2 finds b's only.
    const fitsA = setting(1, [true, false, true, false]);
    const fitsB = setting(2, [false, true, false, false]);
    const cv = crossValidate(names, [fitsA, fitsB]);
    expect(cv.folds[0]).toMatchObject({ tunedHalf: 'A', tunedOn: ['a', 'c'], scoredOn: ['b', 'd'], chosen: { seed: 1 }, tunedScore: 100 });
    expect(cv.folds[0].heldOut.standard).toBe(0);
    expect(cv.folds[1]).toMatchObject({ tunedHalf: 'B', tunedOn: ['b', 'd'], chosen: { seed: 2 }, tunedScore: 50 });
    expect(cv.folds[1].heldOut.standard).toBe(0);
    expect(cv.mean.standard).toBe(0);
    // On all four files together the first setting looks good: what CV exists to expose.
    expect(scoreOn(names, names, fitsA).standard).toBe(50);
  });

  it('breaks ties by grid order, and needs a setting', () => {
    const cv = crossValidate(['a', 'b'], [setting(1, [true, true]), setting(2, [true, true])]);
    expect(cv.folds.map((f) => f.chosen)).toEqual([{ seed: 1 }, { seed: 1 }]);
    expect(() => crossValidate(['a'], [])).toThrow('at least one setting');
  });
});

describe('cross-validation grid', () => {
  it('is small and names options the detector has, including each default', () => {
    expect(() => checkGrid(CV_GRID)).not.toThrow();
    expect(CV_GRID.length).toBeLessThanOrEqual(2);
    for (const axis of CV_GRID) expect(axis.values).toContain(DEFAULT_DETECTOR_OPTIONS[axis.option]);
    expect(gridSettings().filter((s) => describeSetting(s).endsWith('(defaults)'))).toHaveLength(1);
  });

  it('spans every combination, first axis slowest', () => {
    const settings = gridSettings();
    expect(settings).toHaveLength(CV_GRID.reduce((n, a) => n * a.values.length, 1));
    expect(settings[0]).toEqual(Object.fromEntries(CV_GRID.map((a) => [a.option, a.values[0]])));
  });

  it('describes a setting, durations as durations, and marks the defaults', () => {
    expect(describeSetting({ seed: 7, warmupMs: 5_400_000 } as Partial<typeof DEFAULT_DETECTOR_OPTIONS>)).toBe('seed=7 warmupMs=1h30m');
    expect(describeSetting({ seed: DEFAULT_DETECTOR_OPTIONS.seed })).toBe(`seed=${DEFAULT_DETECTOR_OPTIONS.seed} (defaults)`);
  });

  it('stops with the option’s name when the detector no longer has it', () => {
    expect(() => checkGrid(CV_GRID, { seed: 1 })).toThrow(`names detector option "${CV_GRID[0].option}", which the detector no longer has`);
  });
});

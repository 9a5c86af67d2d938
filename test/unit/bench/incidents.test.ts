import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { generateIncidentSet } from '../../../bench/lib/incidents';

const root = join(__dirname, '..', '..', '..');

describe('labelled container-incident benchmark', () => {
  it('generates six containers over seven days with eight incidents, one container without any', () => {
    const set = generateIncidentSet(7);
    expect(set).toHaveLength(6);
    expect(set.every((c) => c.values.length === 7 * 288 && c.values.every((v) => v.length === 4))).toBe(true);
    expect(set.flatMap((c) => c.incidents)).toHaveLength(8);
    expect(set.find((c) => c.name === 'web-seasonal')?.incidents).toEqual([]);
  });

  it('the default detector meets the quality target on two seeds: every incident, at most two false-alarm episodes each', () => {
    // Run by tsx in a child: the detector is ~30× slower under the test transform.
    const result = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'bench', 'incidents.ts'), '--seeds', '7,8'], { cwd: root, encoding: 'utf8', timeout: 90_000 });
    expect(result.stderr).toBe('');
    const rows = result.stdout.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(rows.slice(1, 3).map((r) => [r[1], r[3]])).toEqual([['8/8', 'yes'], ['8/8', 'yes']]);
    const all = rows.find((r) => r[0] === 'all');
    expect(all?.slice(1, 4)).toEqual(['16/16', expect.stringMatching(/^[0-4]$/), '2/2']);
    // The rolling z-score it has to beat misses some.
    expect(Number(all?.[4].split('/')[0])).toBeLessThan(16);
  }, 120_000);
});

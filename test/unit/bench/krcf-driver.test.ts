/**
 * bench:forest's Python half. Without krcf it must exit 3 (the bench then says
 * so and exits 0); with krcf (scripts/bench-forest-deps.sh) it must score,
 * attribute and learn each point in turn.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const DRIVER = join(ROOT, 'bench', 'krcf_forest.py');
const VENV_PYTHON = join(ROOT, '.venv', 'bin', 'python');
const hasKrcf = existsSync(VENV_PYTHON) && spawnSync(VENV_PYTHON, ['-c', 'import krcf']).status === 0;

describe('bench/krcf_forest.py', () => {
  it('exits 3 when krcf cannot be imported', () => {
    // -S: no site-packages, so krcf is missing wherever it is installed.
    const out = spawnSync('python3', ['-S', DRIVER], { input: '{}', encoding: 'utf8' });
    expect(out.status).toBe(3);
  });

  (hasKrcf ? it : it.skip)('scores, attributes and learns each point (krcf in .venv)', () => {
    const points = Array.from({ length: 300 }, (_, i) => [Math.sin(i / 10), Math.cos(i / 10)]);
    points[250] = [0, 6];
    const job = { points, trees: 20, sample_size: 64, time_decay: 0, seed: 1 };
    const out = spawnSync(VENV_PYTHON, [DRIVER], { input: JSON.stringify(job), encoding: 'utf8' });
    expect(out.status).toBe(0);
    const r = JSON.parse(out.stdout) as { score: number[]; high: number[][]; low: number[][]; displacement: number[]; us_per_point: number };
    expect(r.score).toHaveLength(300);
    expect(r.displacement).toHaveLength(300);
    expect(r.score.indexOf(Math.max(...r.score.slice(100)))).toBe(250);
    // The outlier stands out upward in dimension 1.
    expect(r.high[250][1]).toBeGreaterThan(10 * (r.high[250][0] + r.low[250][0] + r.low[250][1]));
    expect(r.us_per_point).toBeGreaterThan(0);
  });
});

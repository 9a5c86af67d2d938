import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

describe('bench/cycle.ts (one measured cycle, servers in a child process)', () => {
  it('runs a full cycle for 100 containers, reports its figures as JSON', () => {
    const result = spawnSync(tsx, [join(root, 'bench', 'cycle.ts'), '100'], { cwd: root, encoding: 'utf8', timeout: 90_000 });
    expect(result.stderr).not.toContain('bench cycle:');
    expect(result.status).toBe(0);
    const figures = JSON.parse(result.stdout.trim().split('\n').pop()!) as { containers: number; seconds: number; rssMb: number; stateMb: number; durationsMs: Record<string, number> };
    expect(figures.containers).toBe(100);
    expect(figures.seconds).toBeGreaterThan(0);
    // 100 containers share one service's forest: its state is a few hundred KB, not nothing.
    expect(figures.stateMb).toBeGreaterThan(0.1);
    expect(figures.rssMb).toBeGreaterThan(30);
    expect(Object.keys(figures.durationsMs).sort()).toEqual(['act', 'archive', 'collect', 'score']);
  }, 120_000);
});

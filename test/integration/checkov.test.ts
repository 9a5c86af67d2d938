import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '../support/servers';

const root = join(__dirname, '..', '..');

describe('checkov security scan of every environment', () => {
  const out = mkdtempSync(join(tmpdir(), 'cad-checkov-'));
  beforeAll(() => {
    execFileSync(join(root, 'node_modules', '.bin', 'tsx'), ['-e', `require('./main.ts').buildApp(${JSON.stringify(out)}).synth()`], { cwd: root, stdio: 'pipe' });
  }, 60_000);

  it.each(['dev', 'staging', 'prod'])('finds no failed check in %s (skips are justified in .checkov.yaml)', (env) => {
    expect(readdirSync(join(out, 'stacks'))).toContain(env);
    const run = spawnSync(
      requireTool('checkov'),
      ['--config-file', join(root, '.checkov.yaml'), '-f', join(out, 'stacks', env, 'cdk.tf.json'), '-o', 'json'],
      { encoding: 'utf8', env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false' }, timeout: 120_000 },
    );
    const report = JSON.parse(run.stdout) as { summary: { passed: number; failed: number; skipped: number }; results: { failed_checks: Array<{ check_id: string; resource: string }> } };
    console.log(`checkov ${env}: ${report.summary.passed} passed, ${report.summary.failed} failed, ${report.summary.skipped} skipped`);
    expect(report.results.failed_checks.map((c) => `${c.check_id} ${c.resource}`)).toEqual([]);
    expect(report.summary.passed).toBeGreaterThan(80);
  }, 120_000);
});

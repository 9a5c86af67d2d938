import { parse as parseHcl } from '@cdktf/hcl2json';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthEnvironment } from '../support/synth';

const root = join(__dirname, '..', '..');

/**
 * `npx cdktf synth --hcl` (SYNTH_HCL_OUTPUT=true) of this project's own
 * stacks. Measured before jsonencode: 64, 70 and 55 syntax errors, and
 * @cdktf/hcl2json rejected all three files.
 */
describe('cdktf synth --hcl of every environment', () => {
  const out = mkdtempSync(join(tmpdir(), 'cad-hcl-'));
  beforeAll(() => {
    execFileSync(join(root, 'node_modules', '.bin', 'tsx'), ['-e', `require('./main.ts').buildApp(${JSON.stringify(out)}).synth()`], {
      cwd: root,
      stdio: 'pipe',
      env: { ...process.env, SYNTH_HCL_OUTPUT: 'true', CHECKPOINT_DISABLE: '1' },
    });
  }, 60_000);

  it.each(['dev', 'staging', 'prod'])('writes %s as HCL the parser accepts, with the JSON synth’s resources, providers and backend', async (env) => {
    expect(readdirSync(join(out, 'stacks', env))).toContain('cdk.tf');
    const hcl = (await parseHcl('cdk.tf', readFileSync(join(out, 'stacks', env, 'cdk.tf'), 'utf8'))) as {
      resource: Record<string, Record<string, unknown>>;
      provider: Record<string, unknown>;
      terraform: Array<{ backend: Record<string, unknown> }>;
    };
    const json = synthEnvironment(env);
    const addresses = (r: Record<string, Record<string, unknown>>) => Object.entries(r).flatMap(([t, byName]) => Object.keys(byName).map((n) => `${t}.${n}`)).sort();
    expect(addresses(hcl.resource)).toEqual(addresses(json.resource));
    expect(Object.keys(hcl.provider).sort()).toEqual(['aws', 'vault']);
    expect(Object.keys(hcl.terraform[0].backend)).toEqual(['s3']);
  });
});

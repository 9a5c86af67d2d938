import { parse as parseHcl } from '@cdktf/hcl2json';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportTerraformModule } from '../../stacks/terraform-module/export';

const example = join(__dirname, '..', '..', 'examples', 'terraform-module');
const hasTerraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;

interface RootModule {
  terraform: Array<{ backend: Record<string, unknown>; required_providers: Array<Record<string, { source: string; version: string }>> }>;
  provider: Record<string, unknown>;
  module: Record<string, Array<{ source: string }>>;
  resource: Record<string, Record<string, Array<Record<string, unknown>>>>;
  output: Record<string, Array<{ value: string }>>;
}

/** Every `module.<name>.<output>` the root module reads. */
function moduleReferences(hcl: string): Array<[string, string]> {
  return [...hcl.matchAll(/\bmodule\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)/g)].map((m) => [m[1], m[2]]);
}

/** examples/terraform-module: plain Terraform calling the export of dev from a `module` block. */
describe('example: the exported module called from plain Terraform', () => {
  // The example as a user runs it: main.tf beside the folder export:terraform wrote.
  const root = mkdtempSync(join(tmpdir(), 'cad-example-tf-'));
  copyFileSync(join(example, 'main.tf'), join(root, 'main.tf'));
  let caller: RootModule;
  let exported: { output: Record<string, unknown>; provider?: unknown };
  beforeAll(async () => {
    caller = (await parseHcl('main.tf', readFileSync(join(root, 'main.tf'), 'utf8'))) as RootModule;
    const source = caller.module.container_anomaly_detector[0].source;
    exportTerraformModule({ env: 'dev', outDir: join(root, source), format: false });
    exported = (await parseHcl('module.tf', readFileSync(join(root, source, 'main.tf'), 'utf8'))) as typeof exported;
  });

  it('calls a local folder the export writes, with a README beside it', () => {
    const { source } = caller.module.container_anomaly_detector[0];
    expect(source).toMatch(/^\.\/container-anomaly-detector-dev$/);
    expect(readFileSync(join(example, 'main.tf'), 'utf8')).toContain(`npm run export:terraform -- --env dev --out examples/terraform-module/${source.slice(2)}`);
    expect(existsSync(join(root, source, 'README.md'))).toBe(true);
  });

  it('reads only outputs the module has', () => {
    const refs = moduleReferences(readFileSync(join(root, 'main.tf'), 'utf8'));
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const [name, output] of refs) {
      expect(name).toBe('container_anomaly_detector');
      expect(Object.keys(exported.output)).toContain(output);
    }
  });

  it('configures the providers and backend the module leaves to its caller, at the versions it requires', () => {
    expect(Object.keys(caller.provider).sort()).toEqual(['aws', 'vault']);
    expect(exported.provider).toBeUndefined();
    expect(Object.keys(caller.terraform[0].backend)).toEqual(['s3']);
    expect(caller.terraform[0].required_providers[0]).toEqual({
      aws: { source: 'hashicorp/aws', version: '6.25.0' },
      vault: { source: 'hashicorp/vault', version: '5.6.0' },
    });
    expect(Object.keys(caller.resource)).toEqual(['aws_sns_topic_subscription']);
  });

  (hasTerraform ? it : it.skip)('loads in terraform init without a warning; only a registry out of reach may stop it', () => {
    // An empty plugin folder keeps init off the network (it never asks a registry): it stops at
    // installing providers, after it has read both modules.
    const plugins = mkdtempSync(join(tmpdir(), 'tf-plugins-'));
    const init = spawnSync('terraform', ['init', '-no-color', '-input=false', '-backend=false', `-plugin-dir=${plugins}`], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const output = `${init.stdout}\n${init.stderr}`;
    expect(output).toContain('- container_anomaly_detector in container-anomaly-detector-dev');
    expect(output).not.toMatch(/^Warning: (?!Unable to open CLI configuration file)/m);
    const errors = [...output.matchAll(/^Error: (.+)$/gm)].map((m) => m[1]);
    for (const e of errors) expect(e).toMatch(/^Failed to (query available provider packages|install provider)/);
    if (errors.length === 0) expect(init.status).toBe(0);
  }, 90_000);

  (hasTerraform ? it : it.skip)('is in terraform fmt’s canonical layout', () => {
    const check = spawnSync('terraform', ['fmt', '-check', '-diff', join(example, 'main.tf')], { encoding: 'utf8' });
    expect(check.stdout).toBe('');
    expect(check.status).toBe(0);
  });
});

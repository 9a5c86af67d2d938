import { parse as parseHcl } from '@cdktf/hcl2json';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportTerraformModule, type ExportResult } from '../../stacks/terraform-module/export';
import { DETECTOR_OUTPUTS } from '../../stacks/detection-stack';
import { decodeJsonAttribute, synthEnvironment, type TfJson } from '../support/synth';

/** What @cdktf/hcl2json makes of a .tf file: every block is a list of bodies. */
interface ParsedHcl {
  terraform: Array<{ required_providers: Array<Record<string, { source: string; version: string }>>; backend?: unknown }>;
  provider?: unknown;
  resource: Record<string, Record<string, Array<Record<string, unknown>>>>;
  data: Record<string, Record<string, Array<Record<string, unknown>>>>;
  output: Record<string, Array<{ value: unknown; description: string }>>;
}

const hasTerraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
const JSONENCODED = /^\$\{jsonencode\(/;

function exportTo(env: string, format: boolean): { result: ExportResult; dir: string } {
  const dir = join(mkdtempSync(join(tmpdir(), `cad-export-${env}-`)), `cad-${env}`);
  return { result: exportTerraformModule({ env, outDir: dir, format }), dir };
}

async function parseMainTf(dir: string): Promise<ParsedHcl> {
  return (await parseHcl('main.tf', readFileSync(join(dir, 'main.tf'), 'utf8'))) as ParsedHcl;
}

const addresses = (blocks: Record<string, Record<string, unknown>> | undefined) =>
  Object.entries(blocks ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)).sort();

/** A JSON-synth attribute value against its HCL twin: jsonencode'd values decoded, the package path anchored at path.module. */
async function expectSameValue(address: string, key: string, json: unknown, hcl: unknown): Promise<void> {
  const where = `${address}.${key}`;
  if (typeof json === 'string' && JSONENCODED.test(json)) {
    expect({ [where]: await decodeJsonAttribute(hcl) }).toEqual({ [where]: await decodeJsonAttribute(json) });
  } else if (key === 'filename') {
    expect({ [where]: hcl }).toEqual({ [where]: `\${path.module}/${String(json)}` });
  } else if (typeof json === 'string' && typeof hcl === 'string') {
    // A heredoc (the Vault policy) ends with the newline that closes it.
    expect({ [where]: hcl.replace(/\n$/, '') }).toEqual({ [where]: json.replace(/\n$/, '') });
  } else {
    expect({ [where]: hcl }).toEqual({ [where]: json });
  }
}

/** Every resource and data source of the JSON synth, at the same address, with the same top-level attributes. */
async function expectSameResources(json: TfJson, hcl: ParsedHcl): Promise<void> {
  expect(addresses(hcl.resource)).toEqual(addresses(json.resource));
  expect(addresses(hcl.data)).toEqual(addresses(json.data));
  for (const [type, byName] of Object.entries(json.resource)) {
    for (const [name, resource] of Object.entries(byName)) {
      const [twin] = hcl.resource[type][name];
      for (const [key, value] of Object.entries(resource)) {
        if (key === '//' || (typeof value === 'object' && value !== null)) continue;
        await expectSameValue(`${type}.${name}`, key, value, twin[key]);
      }
    }
  }
  // Ordering, written as references in HCL and as address strings in JSON.
  for (const [type, byName] of Object.entries(json.resource)) {
    for (const [name, resource] of Object.entries(byName)) {
      const dependsOn = hcl.resource[type][name][0].depends_on as string[] | undefined;
      expect({ [`${type}.${name}`]: dependsOn?.map((d) => d.replace(/^\$\{(.+)\}$/, '$1')) }).toEqual({ [`${type}.${name}`]: resource.depends_on });
    }
  }
  // The function's configuration is nested: compare it decoded.
  const [fnName] = Object.keys(json.resource.aws_lambda_function);
  const jsonVars = (json.resource.aws_lambda_function[fnName].environment as { variables: Record<string, string> }).variables;
  const [hclEnv] = hcl.resource.aws_lambda_function[fnName][0].environment as Array<{ variables: Record<string, string> }>;
  expect(await decodeJsonAttribute(hclEnv.variables.DETECTOR_CONFIG)).toEqual(await decodeJsonAttribute(jsonVars.DETECTOR_CONFIG));
}

describe.each(['dev', 'staging', 'prod'])('plain Terraform export of %s', (env) => {
  const json = synthEnvironment(env);
  const raw = exportTo(env, false);
  let parsed: ParsedHcl;
  beforeAll(async () => {
    // CDKTF's own layout, as written where no terraform binary exists: the parser must accept it.
    parsed = await parseMainTf(raw.dir);
  });

  it('holds the same resources, data sources and attributes as the JSON synth', async () => {
    expect(raw.result.resourceCount).toBe(addresses(json.resource).length);
    await expectSameResources(json, parsed);
  });

  it('writes depends_on as references, not the quoted form Terraform deprecates', () => {
    const mainTf = readFileSync(join(raw.dir, 'main.tf'), 'utf8');
    expect(mainTf).toMatch(/depends_on = \[\s*aws_cloudwatch_log_group\.detector_logs_\w+,\s*aws_iam_role_policy\.detector_policy_\w+,?\s*\]/);
    expect(mainTf).not.toMatch(/depends_on\s*=\s*\[[^\]]*"/);
  });

  it('is a child module: required providers pinned, no provider configuration, no backend', () => {
    expect(parsed.provider).toBeUndefined();
    expect(parsed.terraform.map((t) => t.backend)).toEqual([undefined]);
    expect(parsed.terraform[0].required_providers[0]).toEqual({
      aws: { source: 'hashicorp/aws', version: '6.25.0' },
      vault: { source: 'hashicorp/vault', version: '5.6.0' },
    });
  });

  it('has the stack’s outputs, each described in the README, and carries the Lambda package it names', () => {
    expect(Object.keys(parsed.output).sort()).toEqual(Object.keys(json.output).sort());
    for (const [name, [output]] of Object.entries(parsed.output)) expect(output.value).toEqual(json.output[name].value);
    const readme = readFileSync(join(raw.dir, 'README.md'), 'utf8');
    for (const o of DETECTOR_OUTPUTS) expect(readme).toContain(`| \`${o.name}\` | ${o.description} |`);
    const zip = raw.result.files.find((f) => f.endsWith('.zip'));
    expect(raw.result.files).toEqual(['README.md', zip, 'main.tf']);
    const [fnName] = Object.keys(json.resource.aws_lambda_function);
    const sha256 = createHash('sha256').update(readFileSync(join(raw.dir, String(zip)))).digest('base64');
    expect(sha256).toBe(json.resource.aws_lambda_function[fnName].source_code_hash);
    expect(readme).toContain(sha256);
  });

  (hasTerraform ? it : it.skip)('passes terraform fmt -check once formatted, and still matches the JSON synth', async () => {
    const formatted = exportTo(env, true);
    expect(formatted.result.formattedBy).toMatch(/^terraform fmt/);
    const check = spawnSync('terraform', ['fmt', '-check', '-diff', formatted.dir], { encoding: 'utf8' });
    expect(check.stdout).toBe('');
    expect(check.status).toBe(0);
    await expectSameResources(json, await parseMainTf(formatted.dir));
  }, 30_000);
});

describe('export:terraform', () => {
  it('refuses to empty a folder that holds something other than an earlier export', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cad-export-busy-'));
    spawnSync('touch', [join(dir, 'keep.tf')]);
    expect(() => exportTerraformModule({ env: 'dev', outDir: dir, format: false })).toThrow(/is not empty and holds no earlier export/);
    expect(readFileSync(join(dir, 'keep.tf'), 'utf8')).toBe('');
  });
});

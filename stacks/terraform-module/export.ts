/**
 * Exports one environment as a self-contained plain Terraform module: HCL
 * (`main.tf`), the Lambda package it references, and a README with its
 * requirements, inputs and outputs. The way out of CDKTF, and the way in for
 * teams that review plain Terraform.
 */
import { App, TerraformResource } from 'cdktf';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { loadEnvironment } from '../../environments';
import { TerraformModuleStack } from './module-stack';
import { moduleReadme } from './readme';

export interface ExportOptions {
  readonly env: string;
  readonly outDir: string;
  /** Shown in the README as the command that wrote the folder. */
  readonly command?: string;
  /** Runs `terraform fmt` on the result when a `terraform` binary is on PATH (default true). */
  readonly format?: boolean;
}

export interface ExportResult {
  readonly outDir: string;
  readonly files: string[];
  readonly resourceCount: number;
  /** Set when `terraform fmt` rewrote main.tf into Terraform's canonical layout. */
  readonly formattedBy?: string;
}

/** Marks a folder as ours, so a second export may replace it and nothing else is ever deleted. */
const README = 'README.md';
const MARKER = '# Container anomaly detector — ';

/**
 * CDKTF decides HCL or JSON when a stack is constructed (SYNTH_HCL_OUTPUT;
 * 0.21's `App({ hclOutput })` only renames the file), so the variable is set
 * for exactly that moment.
 */
function hclStack(app: App, env: string): TerraformModuleStack {
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = 'true';
  try {
    return new TerraformModuleStack(app, env, loadEnvironment(env));
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
}

function prepareOutDir(outDir: string): void {
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    const readme = join(outDir, README);
    if (!existsSync(readme) || !readFileSync(readme, 'utf8').startsWith(MARKER)) {
      throw new Error(`export: ${outDir} is not empty and holds no earlier export; choose another --out`);
    }
    rmSync(outDir, { recursive: true });
  }
  mkdirSync(outDir, { recursive: true });
}

/** `terraform fmt` where Terraform is installed; its absence is not an error (the HCL is valid either way). */
function terraformFmt(dir: string): string | undefined {
  const version = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) return undefined;
  const fmt = spawnSync('terraform', ['fmt', dir], { encoding: 'utf8' });
  if (fmt.status !== 0) throw new Error(`export: terraform fmt rejected ${dir}:\n${fmt.stderr}`);
  return `terraform fmt (Terraform ${(JSON.parse(version.stdout) as { terraform_version: string }).terraform_version})`;
}

/**
 * CDKTF writes `depends_on` entries as strings: right in JSON, but in HCL
 * Terraform reads quoted references with a deprecation warning ("Quoted
 * references are deprecated", seen in `terraform init` of the export). The
 * lists hold nothing but addresses, so they are unquoted as written.
 */
export function unquoteDependsOn(hcl: string): string {
  return hcl.replace(/depends_on\s*=\s*\[[^\]]*\]/g, (list) => list.replace(/"((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)"/g, '$1'));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

export function exportTerraformModule(options: ExportOptions): ExportResult {
  const outDir = resolve(options.outDir);
  const work = mkdtempSync(join(tmpdir(), 'cad-export-'));
  try {
    const app = new App({ outdir: work, hclOutput: true });
    const stack = hclStack(app, options.env);
    app.synth();
    prepareOutDir(outDir);
    const synthesized = join(work, 'stacks', options.env);
    writeFileSync(join(outDir, 'main.tf'), unquoteDependsOn(readFileSync(join(synthesized, 'cdk.tf'), 'utf8')));
    cpSync(join(synthesized, 'assets'), join(outDir, 'assets'), { recursive: true });
    const formattedBy = options.format === false ? undefined : terraformFmt(outDir);

    const bundlePath = filesUnder(outDir).find((f) => f.startsWith('assets/') && f.endsWith('.zip'));
    if (!bundlePath) throw new Error('export: the synthesized module holds no Lambda package');
    const resourceCount = stack.node.findAll().filter((c) => TerraformResource.isTerraformResource(c)).length;
    writeFileSync(
      join(outDir, README),
      moduleReadme({
        env: loadEnvironment(options.env),
        command: options.command ?? `npm run export:terraform -- --env ${options.env} --out ${options.outDir}`,
        folderName: basename(outDir),
        bundle: { path: bundlePath, sha256: createHash('sha256').update(readFileSync(join(outDir, bundlePath))).digest('base64') },
        resourceCount,
        formattedBy,
      }),
    );
    return { outDir, files: filesUnder(outDir), resourceCount, formattedBy };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

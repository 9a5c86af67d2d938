/**
 * `npm run synth`: synthesizes every environment into cdktf.out (as `cdktf synth`
 * does, offline) and prints what each stack declares, by resource type.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../main';

interface StackJson {
  resource?: Record<string, Record<string, unknown>>;
  data?: Record<string, Record<string, unknown>>;
  output?: Record<string, { value: unknown }>;
}

const outdir = join(__dirname, '..', 'cdktf.out');
const started = performance.now();
const app = buildApp(outdir);
app.synth();
const seconds = (performance.now() - started) / 1000;

const stacks = app.node.children.map((c) => c.node.id);
const perStack = new Map<string, StackJson>(
  stacks.map((id) => [id, JSON.parse(readFileSync(join(outdir, 'stacks', id, 'cdk.tf.json'), 'utf8')) as StackJson]),
);
const types = [...new Set([...perStack.values()].flatMap((s) => Object.keys(s.resource ?? {})))].sort();
const count = (s: StackJson, t: string) => Object.keys(s.resource?.[t] ?? {}).length;

const width = Math.max(...types.map((t) => t.length), 'resource type'.length);
const header = ['resource type'.padEnd(width), ...stacks.map((s) => s.padStart(8))].join('  ');
console.log(header);
console.log('-'.repeat(header.length));
for (const t of types) console.log([t.padEnd(width), ...stacks.map((s) => String(count(perStack.get(s)!, t) || '-').padStart(8))].join('  '));
console.log('-'.repeat(header.length));
console.log(['total'.padEnd(width), ...stacks.map((s) => String(types.reduce((n, t) => n + count(perStack.get(s)!, t), 0)).padStart(8))].join('  '));
for (const s of stacks) {
  const endpoint = String(perStack.get(s)?.output?.model_endpoint_name?.value ?? '');
  console.log(`${s}: cdktf.out/stacks/${s}/cdk.tf.json — endpoint: ${endpoint.startsWith('not deployed') ? 'not deployed (embedded detector)' : 'deployed'}`);
}
console.log(`synthesized ${stacks.length} environments in ${seconds.toFixed(2)} s`);

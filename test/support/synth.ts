/** Synthesizes environments once per test file and gives typed access to the Terraform JSON. */
import { Testing } from 'cdktf';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { loadEnvironment } from '../../environments';
import type { EnvironmentConfig, EnvironmentInput } from '../../environments/schema';
import { parseEnvironment } from '../../environments/schema';
import { DetectionStack } from '../../stacks/detection-stack';

export type TfResource = Record<string, unknown> & { '//'?: unknown };
export interface TfJson {
  terraform: { backend: { s3: Record<string, unknown> }; required_providers: Record<string, unknown> };
  provider: Record<string, Array<Record<string, unknown>>>;
  resource: Record<string, Record<string, TfResource>>;
  data?: Record<string, Record<string, TfResource>>;
  output: Record<string, { value: unknown }>;
}

const cache = new Map<string, { text: string; json: TfJson }>();

export function synthConfig(env: EnvironmentConfig): { text: string; json: TfJson } {
  const app = Testing.app();
  const stack = new DetectionStack(app, env.name, env);
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) as TfJson };
}

/** The synthesized stack of a real environment file, cached. */
export function synthEnvironment(name: string): TfJson {
  let hit = cache.get(name);
  if (!hit) {
    hit = synthConfig(loadEnvironment(name));
    cache.set(name, hit);
  }
  return hit.json;
}

/** Synthesizes a variant of an environment (e.g. with one field changed). */
export function synthVariant(name: string, change: (input: EnvironmentInput) => EnvironmentInput): TfJson {
  const base = loadEnvironment(name);
  return synthConfig(parseEnvironment(change(structuredClone(base) as EnvironmentInput), name)).json;
}

/** All resources of one type, without the CDKTF metadata key. */
export function resourcesOf(json: TfJson, type: string): TfResource[] {
  return Object.values(json.resource[type] ?? {});
}

export function onlyResource(json: TfJson, type: string): TfResource {
  const all = resourcesOf(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/**
 * The resource whose construct path (below the stack) ends with `pathSuffix`,
 * e.g. `archive/archive-lifecycle`; CDKTF names it `archive_archive-lifecycle_<hash>`.
 */
export function resourceAt(json: TfJson, type: string, pathSuffix: string): TfResource {
  const wanted = pathSuffix.replace(/\//g, '_');
  const found = Object.entries(json.resource[type] ?? {}).filter(([logicalId]) => {
    const withoutHash = logicalId.replace(/_[0-9A-F]{8}$/, '');
    return withoutHash === wanted || withoutHash.endsWith(`_${wanted}`);
  });
  if (found.length !== 1) throw new Error(`expected one ${type} at …${pathSuffix}, found ${found.length}`);
  return found[0][1];
}

export interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const JSONENCODE = /^\$\{jsonencode\(([\s\S]*)\)\}$/;

/**
 * Reads back a JSON-valued attribute, which the modules write as
 * `${jsonencode(<HCL object>)}`: the object is parsed by the HCL parser
 * cdktf-cli ships (@cdktf/hcl2json), so a literal Terraform would reject fails
 * here too. References stay as `${...}` strings, as elsewhere in the JSON synth.
 */
export async function decodeJsonAttribute(value: unknown): Promise<unknown> {
  const text = String(value);
  const match = JSONENCODE.exec(text);
  if (!match) throw new Error(`not a jsonencode(...) attribute: ${text.slice(0, 80)}`);
  const parsed = await parseHcl('attribute.tf', `value = ${match[1]}\n`);
  return parsed.value;
}

export async function statementsOf(policy: unknown): Promise<Statement[]> {
  return ((await decodeJsonAttribute(policy)) as { Statement: Statement[] }).Statement;
}

export function asArray(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/**
 * Discovers every environment file in this folder, so adding an environment is
 * one new file: `environments/<name>.ts` exporting `defineEnvironment({...})`.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EnvironmentConfig, EnvironmentConfigError, parseEnvironment } from './schema';

const NOT_ENVIRONMENTS = new Set(['schema', 'index']);
/** Rules split out of `schema.ts` live in `<topic>-schema.ts` files, which are not environments. */
const isSchemaPart = (name: string) => name.endsWith('-schema');

/** Names of the environment files, sorted. */
export function environmentNames(dir: string = __dirname): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => basename(f, '.ts'))
    .filter((n) => !NOT_ENVIRONMENTS.has(n) && !isSchemaPart(n))
    .sort();
}

/** Loads and validates one environment by file name; the file's `name` must match it. */
export function loadEnvironment(name: string, dir: string = __dirname): EnvironmentConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- environment files are discovered at run time
  const mod: { default?: unknown } = require(join(dir, `${name}.ts`));
  if (mod.default === undefined) {
    throw new EnvironmentConfigError(name, [`${name}: environments/${name}.ts must export default defineEnvironment({...})`]);
  }
  const env = parseEnvironment(mod.default, name);
  if (env.name !== name) {
    throw new EnvironmentConfigError(name, [`${name}.name: must equal the file name (${name}), got ${env.name}`]);
  }
  return env;
}

/** Every environment in the folder, validated; the first invalid one fails with all its problems. */
export function loadEnvironments(dir: string = __dirname): EnvironmentConfig[] {
  return environmentNames(dir).map((n) => loadEnvironment(n, dir));
}

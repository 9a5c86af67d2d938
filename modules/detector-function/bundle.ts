/**
 * Builds the detector Lambda's deployment package at synth time: one esbuild
 * bundle zipped deterministically (fixed entry order and timestamps), so an
 * unchanged build has an unchanged `source_code_hash` and never shows in a plan.
 */
import { buildSync, type BuildOptions, type Metafile } from 'esbuild';
import { zipSync } from 'fflate';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PROJECT_ROOT = resolve(__dirname, '..', '..');
export const DETECTOR_ENTRY = join(PROJECT_ROOT, 'handlers', 'detect.ts');

/**
 * esbuild settings for the Lambda: Node 22, CommonJS, minified. The AWS SDK v3
 * clients are left to the copy the nodejs22.x runtime ships (bundled, they
 * would be ~1.1 MB of the package); everything else is bundled.
 */
export const LAMBDA_BUILD_OPTIONS: BuildOptions = {
  external: ['@aws-sdk/*'],
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  treeShaking: true,
  mainFields: ['module', 'main'],
  legalComments: 'none',
  sourcemap: false,
  logLevel: 'silent',
};

export interface LambdaBundle {
  /** The zip's bytes: one file, `index.js`. */
  zip: Uint8Array;
  /** Base64 SHA-256 of the zip, the form Terraform's `source_code_hash` expects. */
  sha256: string;
  /** The minified JavaScript itself (`index.js` in the zip). */
  code: Uint8Array;
  /** Size of the minified JavaScript. */
  codeBytes: number;
  metafile: Metafile;
}

// Local-time 1980-01-01 is the DOS epoch in every time zone, so the zip does not depend on TZ.
const FIXED_ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);

const cache = new Map<string, LambdaBundle>();

/** Bundles `entry` into a deterministic zip; cached per process so every stack reuses one build. */
export function bundleLambda(entry: string = DETECTOR_ENTRY, overrides: BuildOptions = {}): LambdaBundle {
  const cacheKey = JSON.stringify([entry, overrides]);
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const result = buildSync({
    ...LAMBDA_BUILD_OPTIONS,
    ...overrides,
    entryPoints: [entry],
    write: false,
    metafile: true,
    outfile: 'index.js',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('index.js'));
  if (!js) throw new Error(`bundleLambda: esbuild produced no index.js for ${entry}`);
  const zip = zipSync({ 'index.js': [js.contents, { mtime: FIXED_ZIP_TIME, level: 9, os: 3 }] });
  const bundle: LambdaBundle = {
    zip,
    sha256: createHash('sha256').update(zip).digest('base64'),
    code: js.contents,
    codeBytes: js.contents.byteLength,
    metafile: result.metafile,
  };
  cache.set(cacheKey, bundle);
  return bundle;
}

/** Writes the bundle's zip under `.gen/` (content-addressed) and returns its path. */
export function writeBundleZip(bundle: LambdaBundle, dir: string = join(PROJECT_ROOT, '.gen', 'lambda')): string {
  mkdirSync(dir, { recursive: true });
  const name = `detector-${createHash('sha256').update(bundle.zip).digest('hex').slice(0, 16)}.zip`;
  const path = join(dir, name);
  writeFileSync(path, bundle.zip);
  return path;
}

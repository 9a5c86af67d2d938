/**
 * The detector function's runtime configuration: names and addresses, never
 * secret values. The infrastructure stack writes it as one JSON environment
 * variable (`DETECTOR_CONFIG`); the handler validates it once per cold start.
 * Keeping one schema for both sides means a field the stack forgets fails the
 * synth test, not a 3 a.m. run.
 */
// zod/mini keeps the Lambda bundle small (the classic API pulls in ~450 KB).
import * as z from 'zod/mini';
import { dynatraceRuntimeSchema, splunkRuntimeSchema, staleAfterMinutesSchema } from './sources-config';
import { canonicalTimeZone } from '../detector/defaults';

export const DETECTOR_CONFIG_ENV = 'DETECTOR_CONFIG';

/** S3 key layout inside the archive bucket; IAM policies are scoped to these prefixes. */
export const ARCHIVE_PREFIXES = {
  /** Raw and merged metric batches: `metrics/env=<env>/date=YYYY-MM-DD/hour=HH/<runId>.jsonl.gz`. */
  metrics: 'metrics/',
  /** Detector state and the action ledger (cooldowns, alert suppression). */
  state: 'state/',
  /** Trained model artifacts and their metadata files. */
  models: 'models/',
  /** Training sets written by `npm run train`. */
  training: 'training/',
} as const;

const name = () => z.string().check(z.minLength(1));
const count = (min: number) => z.number().check(z.int(), z.minimum(min));

const vaultAuth = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('aws'),
    mount: name(),
    role: name(),
    /** Sent as `X-Vault-AWS-IAM-Server-ID` when set. */
    iamServerId: z.optional(name()),
    /** Region of the STS endpoint the login request is signed for. */
    stsRegion: name(),
  }),
  /** Token from the `VAULT_TOKEN` environment variable (local and test use). */
  z.strictObject({ method: z.literal('token') }),
  /** The Vault Lambda Extension's proxy on 127.0.0.1:8200 adds the token. */
  z.strictObject({ method: z.literal('extension') }),
]);

export const runtimeConfigSchema = z.strictObject({
  environment: name(),
  region: name(),
  dryRun: z.boolean(),
  archive: z.strictObject({ bucket: name() }),
  alerts: z.strictObject({
    topicArn: name(),
    suppressionMinutes: count(1),
  }),
  sagemaker: z.strictObject({
    /** Absent until a model is trained and promoted: the embedded detector scores alone. */
    endpointName: z.optional(name()),
    /** Key of the model's metadata JSON (feature order, scaling, threshold). */
    metadataKey: z.optional(name()),
  }),
  vault: z.strictObject({
    address: z.url(),
    namespace: z.optional(name()),
    kvMount: name(),
    splunkPath: name(),
    dynatracePath: name(),
    auth: vaultAuth,
    cacheTtlSeconds: z._default(count(0), 300),
  }),
  splunk: splunkRuntimeSchema,
  dynatrace: dynatraceRuntimeSchema,
  staleAfterMinutes: staleAfterMinutesSchema,
  /** The embedded detector's time zone (an IANA name, checked when the detector is made). */
  timeZone: z._default(
    name().check(z.refine((n) => canonicalTimeZone(n) !== undefined, { message: 'must be an IANA time zone' })),
    'UTC',
  ),
  ecs: z.strictObject({
    cluster: name(),
    services: z.array(z.strictObject({ name: name(), minTasks: count(0), maxTasks: count(1) })).check(z.minLength(1)),
    step: count(1),
    criticalStep: count(1),
    cooldownMinutes: count(1),
  }),
});

/** `path: problem` lines from a zod/mini error (it carries codes, not English messages). */
export function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; code: string; expected?: unknown; message: string }>): string {
  return issues
    .map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.code.replace(/_/g, ' ')}${i.expected !== undefined ? ` (expected ${String(i.expected)})` : ''}`)
    .join('; ');
}

export type RuntimeConfig = z.output<typeof runtimeConfigSchema>;
export type RuntimeConfigInput = z.input<typeof runtimeConfigSchema>;

/** Parses `DETECTOR_CONFIG`; the message names the field, never a value. */
export function parseRuntimeConfig(json: string | undefined): RuntimeConfig {
  if (!json) throw new Error(`${DETECTOR_CONFIG_ENV} is not set`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new Error(`${DETECTOR_CONFIG_ENV} is not valid JSON`);
  }
  const result = runtimeConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(`${DETECTOR_CONFIG_ENV} is invalid: ${describeIssues(result.error.issues)}`);
  }
  return result.data;
}

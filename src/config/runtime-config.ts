/**
 * The detector function's runtime configuration: names and addresses, never
 * secret values. The infrastructure stack writes it as one JSON environment
 * variable (`DETECTOR_CONFIG`); the handler validates it once per cold start.
 * Keeping one schema for both sides means a field the stack forgets fails the
 * synth test, not a 3 a.m. run.
 */
import { z } from 'zod';
import { METRIC_NAMES } from '../core/model';

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

const vaultAuth = z.discriminatedUnion('method', [
  z.strictObject({
    method: z.literal('aws'),
    mount: z.string().min(1),
    role: z.string().min(1),
    /** Sent as `X-Vault-AWS-IAM-Server-ID` when set. */
    iamServerId: z.string().min(1).optional(),
    /** Region of the STS endpoint the login request is signed for. */
    stsRegion: z.string().min(1),
  }),
  /** Token from the `VAULT_TOKEN` environment variable (local and test use). */
  z.strictObject({ method: z.literal('token') }),
  /** The Vault Lambda Extension's proxy on 127.0.0.1:8200 adds the token. */
  z.strictObject({ method: z.literal('extension') }),
]);

export const runtimeConfigSchema = z.strictObject({
  environment: z.string().min(1),
  region: z.string().min(1),
  dryRun: z.boolean(),
  archive: z.strictObject({ bucket: z.string().min(1) }),
  alerts: z.strictObject({
    topicArn: z.string().min(1),
    suppressionMinutes: z.number().int().min(1),
  }),
  sagemaker: z.strictObject({
    /** Absent until a model is trained and promoted: the embedded detector scores alone. */
    endpointName: z.string().min(1).optional(),
    /** Key of the model's metadata JSON (feature order, scaling, threshold). */
    metadataKey: z.string().min(1).optional(),
  }),
  vault: z.strictObject({
    address: z.string().url(),
    namespace: z.string().min(1).optional(),
    kvMount: z.string().min(1),
    splunkPath: z.string().min(1),
    dynatracePath: z.string().min(1),
    auth: vaultAuth,
    cacheTtlSeconds: z.number().int().min(0).default(300),
  }),
  splunk: z.strictObject({
    baseUrl: z.string().url(),
    index: z.string().min(1),
    spl: z.string().min(1),
    lookbackMinutes: z.number().int().min(1),
    authScheme: z.enum(['bearer', 'basic']),
  }),
  dynatrace: z.strictObject({
    environmentUrl: z.string().url(),
    metricSelectors: z.strictObject(
      Object.fromEntries(METRIC_NAMES.map((m) => [m, z.string().min(1)])) as Record<
        (typeof METRIC_NAMES)[number],
        z.ZodString
      >,
    ),
    resolution: z.string().min(1),
    entitySelector: z.string().min(1),
  }),
  ecs: z.strictObject({
    cluster: z.string().min(1),
    services: z
      .array(z.strictObject({ name: z.string().min(1), minTasks: z.number().int().min(0), maxTasks: z.number().int().min(1) }))
      .min(1),
    step: z.number().int().min(1),
    criticalStep: z.number().int().min(1),
    cooldownMinutes: z.number().int().min(1),
  }),
});

export type RuntimeConfig = z.output<typeof runtimeConfigSchema>;
export type RuntimeConfigInput = z.input<typeof runtimeConfigSchema>;

/** The default SPL: per-container averages of the four features over the look-back window. */
export function defaultSpl(index: string): string {
  return [
    `search index=${index} sourcetype=ecs:container:metrics`,
    '| stats avg(cpu_pct) AS cpu_pct avg(mem_pct) AS mem_pct avg(net_mbps) AS net_mbps avg(disk_iops) AS disk_iops latest(_time) AS _time BY container_id service cluster',
  ].join(' ');
}

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
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`${DETECTOR_CONFIG_ENV} is invalid: ${problems.join('; ')}`);
  }
  return result.data;
}

/**
 * What an environment may configure, validated at synth time. Every field has a
 * safe default where one exists; a bad value fails synth with a message that
 * names the environment and the field, e.g.
 * `prod.ecs.services[1].maxTasks: must be ≥ minTasks`.
 */
import { Token } from 'cdktf';
import { z } from 'zod';
import { checkSources, serviceUrl, sourcesShape } from './sources-schema';
import { checkTimeoutFitsSchedule, ecsName, scalableTargetTag, scheduleExpression } from './actions-schema';
import { canonicalTimeZone } from '../src/detector/defaults';

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,20}$/, 'must be 2-21 lowercase letters, digits or dashes, starting with a letter');
const httpsUrl = serviceUrl();
const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as eu-west-1');
const s3BucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name');
/** Relative path inside a KV mount: no leading/trailing slash, no `..`. */
const vaultPath = z
  .string()
  .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'must be a relative path such as container-anomaly/dev');

/**
 * A field that names a resource of the consumer's stack (a subnet, a Vault
 * mount, a key or topic ARN): a literal must pass `literal`; a CDKTF token
 * (e.g. `vpc.privateSubnets`) is only known at apply time and passes as is.
 */
function literalOrToken(literal: z.ZodString) {
  return z.string().superRefine((value, ctx) => {
    if (Token.isUnresolved(value)) return;
    for (const issue of literal.safeParse(value).error?.issues ?? []) ctx.addIssue({ code: 'custom', message: issue.message });
  });
}
const arnOf = (service: string, example: string) =>
  literalOrToken(z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ARN of ${service}, such as ${example}`));

export const serviceSchema = z
  .strictObject({
    /** ECS service name, as in `aws ecs list-services`. */
    name: ecsName,
    minTasks: z.number().int().min(0),
    maxTasks: z.number().int().min(1),
  })
  .superRefine((s, ctx) => {
    if (s.maxTasks < s.minTasks) ctx.addIssue({ code: 'custom', path: ['maxTasks'], message: 'must be ≥ minTasks' });
  });

/**
 * What one detector needs, whoever deploys it: this project's environment
 * files, or a consumer's own stack through `ContainerAnomalyDetector`.
 */
export const detectorConfigSchema = z
  .strictObject({
    name,
    aws: z.strictObject({
      region: awsRegion,
      /** When set, the AWS provider refuses to run against any other account. */
      accountId: z
        .string()
        .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
        .optional(),
    }),
    vault: z.strictObject({
      address: httpsUrl,
      namespace: z.string().min(1).optional(),
      /** The KV v2 mount the secrets live in. */
      kvMount: literalOrToken(z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be a mount name such as secret')).default('secret'),
      /** Create the KV v2 mount; false uses an existing one (a name, or a token such as `vault_mount.kv.path`). */
      createKvMount: z.boolean().default(false),
      /** Secrets are `<pathPrefix>/splunk` and `<pathPrefix>/dynatrace`. */
      pathPrefix: vaultPath,
      awsAuthMount: z.string().regex(/^[A-Za-z0-9_/-]+$/, 'must be a mount path such as aws').default('aws'),
      /** Value of `X-Vault-AWS-IAM-Server-ID` when the auth backend requires one. */
      iamServerIdHeader: z.string().min(1).optional(),
      /** The Vault Lambda Extension's proxy on 127.0.0.1:8200 authenticates for us. */
      useLambdaExtension: z.boolean().default(false),
      tokenTtlSeconds: z.number().int().min(60).max(3600).default(900),
      secretMaxVersions: z.number().int().min(1).max(100).default(10),
    }),
    ...sourcesShape(),
    ecs: z.strictObject({
      clusterName: ecsName,
      /** The only services the detector may scale. */
      services: z.array(serviceSchema).min(1, 'must list at least one service'),
      step: z.number().int().min(1).default(1),
      criticalStep: z.number().int().min(1).default(2),
      cooldownMinutes: z.number().int().min(1).default(15),
      /** Set when the services' auto-scaling targets carry this tag: IAM then allows only those targets. */
      scalableTargetTag: scalableTargetTag.optional(),
    }),
    schedule: z
      .strictObject({
        expression: scheduleExpression.default('rate(5 minutes)'),
      })
      .default({ expression: 'rate(5 minutes)' }),
    lambda: z
      .strictObject({
        memoryMb: z.number().int().min(128).max(10240).default(1024),
        timeoutSeconds: z.number().int().min(30).max(900).default(240),
        architecture: z.enum(['arm64', 'x86_64']).default('arm64'),
        vpc: z
          .strictObject({
            subnetIds: z.array(literalOrToken(z.string().regex(/^subnet-[0-9a-f]+$/, 'must be a subnet id'))).min(1),
            securityGroupIds: z.array(literalOrToken(z.string().regex(/^sg-[0-9a-f]+$/, 'must be a security group id'))).min(1),
          })
          .optional(),
      })
      .default({ memoryMb: 1024, timeoutSeconds: 240, architecture: 'arm64' }),
    sagemaker: z
      .strictObject({
        capacity: z
          .discriminatedUnion('mode', [
            z.strictObject({
              mode: z.literal('instance'),
              instanceType: z.string().regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, 'must be an instance type such as ml.c5.xlarge'),
              instanceCount: z.number().int().min(1).default(1),
            }),
            z.strictObject({
              mode: z.literal('serverless'),
              memorySizeMb: z.union([1024, 2048, 3072, 4096, 5120, 6144].map((n) => z.literal(n))),
              maxConcurrency: z.number().int().min(1).max(200).default(1),
            }),
          ])
          .default({ mode: 'serverless', memorySizeMb: 2048, maxConcurrency: 1 }),
        /** Key under the archive bucket's `models/` prefix; absent until a model is trained. */
        modelArtifactKey: z
          .string()
          .regex(/^models\/.+\.tar\.gz$/, 'must be an S3 key under models/ ending in .tar.gz')
          .optional(),
      })
      .default({ capacity: { mode: 'serverless', memorySizeMb: 2048, maxConcurrency: 1 } }),
    alerts: z
      .strictObject({
        emails: z.array(z.string().email('must be an e-mail address')).default([]),
        httpsEndpoints: z.array(httpsUrl).default([]),
        /**
         * The quiet period: a service's incident resolves (one "resolved" alert) once it has been
         * clear this long, and only then are its temporary scale-outs given back.
         */
        suppressionMinutes: z.number().int().min(1).default(60),
        /** Publish to this topic instead of creating one; its policy, key and subscriptions stay its owner's. */
        existingTopicArn: arnOf('sns', 'arn:aws:sns:eu-west-1:123456789012:alerts').optional(),
      })
      .default({ emails: [], httpsEndpoints: [], suppressionMinutes: 60 }),
    archive: z
      .strictObject({
        expireAfterDays: z.number().int().min(31).default(400),
        noncurrentExpireAfterDays: z.number().int().min(1).default(30),
        /** Terraform refuses to destroy the bucket (set in prod). */
        preventDestroy: z.boolean().default(false),
      })
      .default({ expireAfterDays: 400, noncurrentExpireAfterDays: 30, preventDestroy: false }),
    /**
     * One customer-managed key for the archive, topic, queue, logs and function
     * environment instead of three new ones. Its policy must allow what the
     * created keys allow (README, "Use it in your own stack").
     */
    existingKmsKeyArn: arnOf('kms', 'arn:aws:kms:eu-west-1:123456789012:key/…').optional(),
    logRetentionDays: z
      .union([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].map((n) => z.literal(n)))
      .default(30),
    /** Log the scaling plan without calling UpdateService. */
    dryRun: z.boolean().default(false),
    /**
     * The time zone your load's days follow: the detector's hours, weekdays and
     * recurring jobs are local, so a weekend starts at local midnight and a
     * daylight-saving change moves no local profile (a job on UTC then moves an
     * hour). Changing it re-learns (a day's warm-up).
     */
    timeZone: z
      .string()
      .transform((n, ctx) => {
        const canonical = canonicalTimeZone(n);
        if (canonical === undefined) ctx.addIssue({ code: 'custom', message: 'must be an IANA time zone such as Europe/Berlin (a region/city name, or UTC)' });
        return canonical ?? n;
      })
      .default('UTC'),
  })
  .superRefine((env, ctx) => {
    checkSources(env, ctx);
    if (env.ecs.criticalStep < env.ecs.step) {
      ctx.addIssue({ code: 'custom', path: ['ecs', 'criticalStep'], message: 'must be ≥ step' });
    }
    const seen = new Set<string>();
    env.ecs.services.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['ecs', 'services', i, 'name'], message: `duplicate service ${s.name}` });
      seen.add(s.name);
    });
    if (env.alerts.existingTopicArn && env.alerts.emails.length + env.alerts.httpsEndpoints.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['alerts', 'existingTopicArn'], message: 'subscriptions belong to the existing topic’s owner: leave emails and httpsEndpoints empty' });
    }
    if (env.vault.createKvMount && Token.isUnresolved(env.vault.kvMount)) {
      ctx.addIssue({ code: 'custom', path: ['vault', 'createKvMount'], message: 'must be false when kvMount refers to an existing mount' });
    }
    checkTimeoutFitsSchedule(env, ctx);
  });

/** This project's environments: a detector plus what this project's own stacks own (state backend, tags). */
export const environmentSchema = detectorConfigSchema.extend({
  backend: z.strictObject({
    bucket: s3BucketName,
    /** Defaults to `container-anomaly/<env>/terraform.tfstate`. */
    key: z.string().min(1).optional(),
    region: awsRegion,
    /** S3-native state locking (Terraform ≥ 1.10). */
    useLockfile: z.boolean().default(true),
  }),
  tags: z.record(z.string().regex(/^[\w.:/=+@ -]{1,128}$/, 'must be a valid tag key'), z.string().max(256)).default({}),
});

/** A detector's configuration as a consumer writes it (defaults not yet applied). */
export type DetectorConfigInput = z.input<typeof detectorConfigSchema>;
/** A detector's configuration after validation, every default applied. */
export type DetectorConfig = z.output<typeof detectorConfigSchema>;
/** An environment as written in `environments/<name>.ts` (defaults not yet applied). */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** An environment after validation, every default applied. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type ScalableService = z.output<typeof serviceSchema>;

export class EnvironmentConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly problems: string[],
  ) {
    super(`Invalid environment configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'EnvironmentConfigError';
  }
}

/** Renders a zod path as `ecs.services[1].maxTasks`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

/**
 * Validates one environment, applying defaults. Throws an
 * {@link EnvironmentConfigError} whose lines read `<env>.<field>: <problem>`.
 *
 * @example
 * const prod = parseEnvironment(prodInput, 'prod');
 */
export function parseEnvironment(input: unknown, label: string): EnvironmentConfig {
  return parseWith(environmentSchema, input, label);
}

/**
 * Validates a detector's configuration, as `ContainerAnomalyDetector` does
 * before creating anything; errors read `<label>.<field>: <problem>`.
 */
export function parseDetectorConfig(input: unknown, label: string): DetectorConfig {
  return parseWith(detectorConfigSchema, input, label);
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown, label: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = formatPath(issue.path);
    return `${label}${field ? '.' + field : ''}: ${issue.message}`;
  });
  throw new EnvironmentConfigError(label, problems);
}

/** Typed identity for environment files, so editors check fields as they are typed. */
export function defineEnvironment(input: EnvironmentInput): EnvironmentInput {
  return input;
}

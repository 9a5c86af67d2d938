import { EnvironmentConfigError, parseEnvironment, type EnvironmentInput } from '../../../environments/schema';
import { toRuntimeConfig } from '../../../src/config/from-environment';
import { parseRuntimeConfig } from '../../../src/config/runtime-config';

const valid: EnvironmentInput = {
  name: 'prod',
  aws: { region: 'eu-west-1' },
  backend: { bucket: 'tf-state-prod', region: 'eu-west-1' },
  vault: { address: 'https://vault.example.com', pathPrefix: 'container-anomaly/prod' },
  splunk: { baseUrl: 'https://splunk.example.com:8089' },
  dynatrace: { environmentUrl: 'https://abc12345.live.dynatrace.com' },
  ecs: { clusterName: 'apps', services: [{ name: 'api', minTasks: 1, maxTasks: 4 }, { name: 'worker', minTasks: 1, maxTasks: 2 }] },
};

function problemsOf(change: (e: EnvironmentInput) => unknown): string[] {
  try {
    parseEnvironment(change(structuredClone(valid)), 'prod');
  } catch (e) {
    if (e instanceof EnvironmentConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('environment schema', () => {
  it('applies safe defaults to a minimal environment', () => {
    const env = parseEnvironment(valid, 'prod');
    expect(env.schedule.expression).toBe('rate(5 minutes)');
    expect(env.lambda).toEqual({ memoryMb: 1024, timeoutSeconds: 240, architecture: 'arm64' });
    expect(env.sagemaker.capacity).toEqual({ mode: 'serverless', memorySizeMb: 2048, maxConcurrency: 1 });
    expect(env.sagemaker.modelArtifactKey).toBeUndefined();
    expect(env.backend.useLockfile).toBe(true);
    expect(env.vault).toMatchObject({ kvMount: 'secret', awsAuthMount: 'aws', createKvMount: false, useLambdaExtension: false, tokenTtlSeconds: 900 });
    expect(env.dryRun).toBe(false);
    expect(env.archive.preventDestroy).toBe(false);
    expect(env.timeZone).toBe('UTC');
  });

  it('hands the detector its time zone through the function’s runtime configuration', () => {
    const env = parseEnvironment({ ...valid, timeZone: 'Asia/Tokyo' }, 'prod');
    const runtime = parseRuntimeConfig(JSON.stringify(toRuntimeConfig(env, { archiveBucket: 'b', alertTopicArn: 't' })));
    expect(runtime.timeZone).toBe('Asia/Tokyo');
    // A configuration written before the option existed still parses, on UTC.
    const { timeZone: _omitted, ...older } = toRuntimeConfig(parseEnvironment(valid, 'prod'), { archiveBucket: 'b', alertTopicArn: 't' });
    expect(parseRuntimeConfig(JSON.stringify(older)).timeZone).toBe('UTC');
    // Written by hand or by a machine that knows other zones: refused at the cold start, naming the field.
    expect(() => parseRuntimeConfig(JSON.stringify({ ...older, timeZone: 'Mars/Olympus' }))).toThrow('DETECTOR_CONFIG is invalid: timeZone: custom');
    expect(parseEnvironment({ ...valid, timeZone: 'utc' }, 'prod').timeZone).toBe('UTC');
  });

  it.each<[string, (e: EnvironmentInput) => unknown, string]>([
    ['maxTasks below minTasks', (e) => ({ ...e, ecs: { ...e.ecs, services: [e.ecs.services[0], { name: 'worker', minTasks: 3, maxTasks: 2 }] } }), 'prod.ecs.services[1].maxTasks: must be ≥ minTasks'],
    ['a duplicate service', (e) => ({ ...e, ecs: { ...e.ecs, services: [e.ecs.services[0], e.ecs.services[0]] } }), 'prod.ecs.services[1].name: duplicate service api'],
    ['no service at all', (e) => ({ ...e, ecs: { ...e.ecs, services: [] } }), 'prod.ecs.services: must list at least one service'],
    ['criticalStep below step', (e) => ({ ...e, ecs: { ...e.ecs, step: 3, criticalStep: 2 } }), 'prod.ecs.criticalStep: must be ≥ step'],
    ['a plain-HTTP Vault', (e) => ({ ...e, vault: { ...e.vault, address: 'http://vault.example.com' } }), 'prod.vault.address: must use https://'],
    ['a Splunk URL that is no URL', (e) => ({ ...e, splunk: { baseUrl: 'splunk' } }), 'prod.splunk.baseUrl: must be a URL'],
    ['an unknown region', (e) => ({ ...e, aws: { region: 'mars-1' } }), 'prod.aws.region: must be an AWS region such as eu-west-1'],
    ['a short account id', (e) => ({ ...e, aws: { region: 'eu-west-1', accountId: '1234' } }), 'prod.aws.accountId: must be a 12-digit AWS account id'],
    ['a bad schedule', (e) => ({ ...e, schedule: { expression: 'every 5 minutes' } }), 'prod.schedule.expression: every 5 minutes: must be rate(...) or cron(...)'],
    ['a timeout as long as the schedule interval', (e) => ({ ...e, lambda: { timeoutSeconds: 300 } }), "prod.lambda.timeoutSeconds: must be shorter than the schedule's shortest interval (300 s), so runs never overlap"],
    ['an instance type without ml. prefix', (e) => ({ ...e, sagemaker: { capacity: { mode: 'instance', instanceType: 'c5.xlarge' } } }), 'prod.sagemaker.capacity.instanceType: must be an instance type such as ml.c5.xlarge'],
    ['an artifact outside models/', (e) => ({ ...e, sagemaker: { modelArtifactKey: 'x/model.tar.gz' } }), 'prod.sagemaker.modelArtifactKey: must be an S3 key under models/ ending in .tar.gz'],
    ['an invalid e-mail', (e) => ({ ...e, alerts: { emails: ['oncall'] } }), 'prod.alerts.emails[0]: must be an e-mail address'],
    ['a retention CloudWatch does not offer', (e) => ({ ...e, logRetentionDays: 10 }), 'prod.logRetentionDays'],
    ['a Vault path with a leading slash', (e) => ({ ...e, vault: { ...e.vault, pathPrefix: '/abs/path' } }), 'prod.vault.pathPrefix: must be a relative path such as container-anomaly/dev'],
    ['a typo in a field name', (e) => ({ ...e, dryrun: true }), 'prod: Unrecognized key: "dryrun"'],
    ['a time zone that does not exist', (e) => ({ ...e, timeZone: 'CEST' }), 'prod.timeZone: must be an IANA time zone such as Europe/Berlin'],
    ['a subnet that is not a subnet id', (e) => ({ ...e, lambda: { vpc: { subnetIds: ['net-1'], securityGroupIds: ['sg-0a'] } } }), 'prod.lambda.vpc.subnetIds[0]: must be a subnet id'],
  ])('rejects %s with a message naming the environment and field', (_what, change, message) => {
    const problems = problemsOf(change);
    expect(problems.some((p) => p.startsWith(message))).toBe(true);
  });

  it('lists every problem at once in the error message', () => {
    expect(() => parseEnvironment({ ...valid, aws: { region: 'x' }, logRetentionDays: 2 }, 'prod')).toThrow(
      /Invalid environment configuration:\n {2}prod\.aws\.region: .*\n {2}prod\.logRetentionDays/,
    );
  });

});

/**
 * The real bundled handler (the zip's index.js) against moto (S3, SNS→SQS,
 * ECS, SageMaker Runtime), a real OpenBao, and the local Splunk and Dynatrace
 * servers speaking their documented APIs.
 */
import { DEFAULT_DYNATRACE_DIMENSIONS, DEFAULT_DYNATRACE_METRICS, DEFAULT_SPLUNK_FIELDS } from '../../src/config/source-defaults';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Context } from 'aws-lambda';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { bundleLambda, PROJECT_ROOT } from '../../modules/detector-function/bundle';
import { renderDetectorPolicy } from '../../modules/vault-secrets';
import { FleetDetector } from '../../src/detector';
import { FleetSim, SIM_SERVICES, STEP_MS, containerIdOf } from '../../src/sim/fleet';
import { startSplunkServer, type LocalSplunk } from '../../src/local/splunk-server';
import { startDynatraceServer, type LocalDynatrace } from '../../src/local/dynatrace-server';
import type { RuntimeConfigInput } from '../../src/config/runtime-config';
import type { DetectEvent, DetectResult } from '../../handlers/detect';
import { startBao, startMoto, type Bao, type ManagedServer } from '../support/servers';

const REGION = 'us-east-1';
const BUCKET = 'cad-it-archive';
const CLUSTER = 'it-apps';
const KV = 'container-anomaly-dev';
const HISTORY = 600;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

type Handler = (event: DetectEvent, context: Context) => Promise<DetectResult>;

describe('bundled handler against moto, OpenBao and local Splunk/Dynatrace', () => {
  let moto: ManagedServer;
  let bao: Bao;
  let splunk: LocalSplunk;
  let dynatrace: LocalDynatrace;
  let detectorToken: string;
  let topicArn: string;
  let queueUrl: string;
  let sim: FleetSim;
  let aws: { credentials: { accessKeyId: string; secretAccessKey: string }; region: string; endpoint: string };
  const bundlePath = join(PROJECT_ROOT, '.gen', 'it-bundle', 'index.js');

  const s3 = () => new S3Client({ ...aws, forcePathStyle: true });
  const ecs = () => new ECSClient(aws);

  function config(environment: string, extra: Partial<RuntimeConfigInput> = {}): RuntimeConfigInput {
    return {
      environment,
      region: REGION,
      dryRun: false,
      archive: { bucket: BUCKET },
      alerts: { topicArn, suppressionMinutes: 60 },
      sagemaker: {},
      vault: { address: bao.url, kvMount: KV, splunkPath: 'container-anomaly/dev/splunk', dynatracePath: 'container-anomaly/dev/dynatrace', auth: { method: 'token' } },
      splunk: { baseUrl: splunk.url, index: 'ecs', spl: 'search index=ecs | stats avg(cpu_pct) by container_id', lookbackMinutes: 10, authScheme: 'bearer', fields: DEFAULT_SPLUNK_FIELDS },
      dynatrace: { environmentUrl: dynatrace.url, resolution: '1m', entitySelector: 'type(CONTAINER_GROUP_INSTANCE)', dimensions: DEFAULT_DYNATRACE_DIMENSIONS, metrics: DEFAULT_DYNATRACE_METRICS },
      staleAfterMinutes: 10,
      ecs: {
        cluster: CLUSTER,
        services: [
          { name: 'checkout-api', minTasks: 2, maxTasks: 4 },
          { name: 'payments-worker', minTasks: 2, maxTasks: 4 },
          { name: 'catalog-api', minTasks: 2, maxTasks: 4 },
        ],
        step: 1,
        criticalStep: 2,
        cooldownMinutes: 15,
      },
      ...extra,
    };
  }

  /** A fresh copy of the bundle with the given configuration (module state is per cold start). */
  function coldStart(cfg: RuntimeConfigInput, token = detectorToken): Handler {
    Object.assign(process.env, {
      DETECTOR_CONFIG: JSON.stringify(cfg),
      VAULT_TOKEN: token,
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: REGION,
      S3_FORCE_PATH_STYLE: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    let handler: Handler | undefined;
    jest.isolateModules(() => {
      handler = (require(bundlePath) as { handler: Handler }).handler;
    });
    return handler!;
  }

  const event = (id: string): DetectEvent => ({ id, version: '0', account: '123456789012', time: new Date().toISOString(), region: REGION, resources: [], source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} });
  const context = { getRemainingTimeInMillis: () => 60_000 } as Context;

  async function desired(service: string): Promise<number> {
    const res = await ecs().send(new DescribeServicesCommand({ cluster: CLUSTER, services: [service] }));
    return res.services![0].desiredCount!;
  }

  async function archiveKeys(environment: string): Promise<string[]> {
    const res = await s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `metrics/env=${environment}/` }));
    return (res.Contents ?? []).map((o) => o.Key!).sort();
  }

  async function archived(key: string): Promise<Array<Record<string, unknown>>> {
    const res = await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return gunzipSync(await res.Body!.transformToByteArray()).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  async function alertMessages(): Promise<Array<{ Message: string; Subject: string; MessageAttributes: Record<string, { Value: string }> }>> {
    const sqs = new SQSClient(aws);
    const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    return (res.Messages ?? []).map((m) => JSON.parse(m.Body!) as { Message: string; Subject: string; MessageAttributes: Record<string, { Value: string }> });
  }

  let learned: Uint8Array | undefined;
  /** Learned normal behaviour for an environment, as earlier runs would have left it (learned once, copied per environment). */
  async function warmState(environment: string): Promise<void> {
    if (!learned) {
      const d = FleetDetector.create();
      for (let step = 0; step < HISTORY - 2; step++) {
        for (const c of sim.fleetAt(step)) d.update(c.containerId, c.service, sim.timeOf(step), [c.metrics.cpu_pct, c.metrics.mem_pct, c.metrics.net_mbps, c.metrics.disk_iops]);
      }
      learned = d.serialize();
    }
    await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: `state/env=${environment}/detector-state.bin`, Body: learned }));
  }

  beforeAll(async () => {
    [moto, bao] = await Promise.all([startMoto(), startBao()]);
    aws = { credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, region: REGION, endpoint: moto.url };
    // The live step is "now": the window the handler asks for falls inside the incidents.
    const now = Math.floor(Date.now() / STEP_MS) * STEP_MS;
    const startMs = now - HISTORY * STEP_MS;
    // The handler runs on the wall clock; the traffic wave is pinned to around noon so what the detector sees
    // does not depend on the hour the suite runs (it did: the outage went unnoticed in the late afternoon).
    const waveShiftMs = Math.round((12 * HOUR_MS - (now % DAY_MS)) / HOUR_MS) * HOUR_MS;
    sim = new FleetSim({
      seed: 11,
      // The sources report the cluster the services run in: scaling acts only on (cluster, service).
      cluster: CLUSTER,
      startMs,
      waveShiftMs,
      // search-api runs in the simulation but not in the cluster: scaling it must fail.
      services: SIM_SERVICES.filter((s) => ['checkout-api', 'payments-worker', 'catalog-api', 'search-api'].includes(s.name)),
      containersPerService: 2,
      incidents: [
        { service: 'checkout-api', containerId: containerIdOf('checkout-api', 0), kind: 'traffic-surge', fromStep: HISTORY - 2, toStep: HISTORY + 40 },
        { service: 'payments-worker', containerId: containerIdOf('payments-worker', 1), kind: 'outage', fromStep: HISTORY - 2, toStep: HISTORY + 40 },
        { service: 'search-api', containerId: containerIdOf('search-api', 0), kind: 'traffic-surge', fromStep: HISTORY - 2, toStep: HISTORY + 40 },
      ],
    });
    splunk = await startSplunkServer({ sim, acceptedAuthorization: ['Bearer splunk-token-1'] });
    dynatrace = await startDynatraceServer({ sim, acceptedTokens: ['dt0c01.token-1'], gapRate: 0 });

    await bao.api('POST', `sys/mounts/${KV}`, { type: 'kv', options: { version: '2' } });
    await bao.api('POST', `${KV}/data/container-anomaly/dev/splunk`, { data: { token: 'splunk-token-1' } });
    await bao.api('POST', `${KV}/data/container-anomaly/dev/dynatrace`, { data: { apiToken: 'dt0c01.token-1' } });
    await bao.api('PUT', 'sys/policies/acl/cad-dev-detector-read', { policy: renderDetectorPolicy(KV, ['container-anomaly/dev/splunk', 'container-anomaly/dev/dynatrace']) });
    detectorToken = ((await bao.api('POST', 'auth/token/create', { policies: ['cad-dev-detector-read'], no_default_policy: true, ttl: '1h' })).body as { auth: { client_token: string } }).auth.client_token;

    await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
    topicArn = (await new SNSClient(aws).send(new CreateTopicCommand({ Name: 'cad-it-alerts' }))).TopicArn!;
    const sqs = new SQSClient(aws);
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'it-alerts' }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await new SNSClient(aws).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
    await ecs().send(new CreateClusterCommand({ clusterName: CLUSTER }));
    await ecs().send(new RegisterTaskDefinitionCommand({ family: 'app', containerDefinitions: [{ name: 'app', image: 'app:1', memory: 256 }] }));
    for (const service of ['checkout-api', 'payments-worker', 'catalog-api']) {
      await ecs().send(new CreateServiceCommand({ cluster: CLUSTER, serviceName: service, taskDefinition: 'app', desiredCount: 2 }));
    }

    mkdirSync(join(PROJECT_ROOT, '.gen', 'it-bundle'), { recursive: true });
    writeFileSync(bundlePath, bundleLambda().code);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([splunk?.close(), dynatrace?.close(), moto?.stop(), bao?.stop()]);
  });

  describe('a normal cycle, then the same event again', () => {
    let handler: Handler;
    let first: DetectResult;
    beforeAll(async () => {
      await warmState('dev');
      handler = coldStart(config('dev'));
      first = await handler(event('evt-normal'), context);
    }, 120_000);

    it('archives the raw rows and merged samples under the documented key', async () => {
      expect(first).toMatchObject({ containers: 8, degraded: false });
      const keys = await archiveKeys('dev');
      expect(keys).toEqual([expect.stringMatching(new RegExp(`^metrics/env=dev/date=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d/${first.runId}\\.jsonl\\.gz$`))]);
      const lines = await archived(keys[0]);
      expect(lines[0]).toMatchObject({ record: 'run', environment: 'dev', runId: first.runId, sourceErrors: [] });
      expect(lines.filter((l) => l.record === 'sample')).toHaveLength(8);
      expect(lines.filter((l) => l.record === 'raw').length).toBeGreaterThanOrEqual(16);
    });

    it('scales the saturated service within its bounds and only alerts the outage', async () => {
      expect(first.anomalies).toBeGreaterThanOrEqual(2);
      const checkout = await desired('checkout-api');
      expect(checkout).toBeGreaterThan(2);
      expect(checkout).toBeLessThanOrEqual(4);
      expect(await desired('payments-worker')).toBe(2);
      expect(first.anomalyDetails).toEqual(expect.arrayContaining([
        expect.objectContaining({ containerId: containerIdOf('checkout-api', 0), kind: 'saturation' }),
        expect.objectContaining({ containerId: containerIdOf('payments-worker', 1), kind: 'drop' }),
      ]));
    });

    it('delivers one SNS message to the subscribed queue, with environment and severity attributes', async () => {
      const messages = await alertMessages();
      expect(messages).toHaveLength(1);
      expect(messages[0].MessageAttributes.environment.Value).toBe('dev');
      expect(['warning', 'critical']).toContain(messages[0].MessageAttributes.severity.Value);
      expect(messages[0].Subject.length).toBeLessThanOrEqual(100);
      expect(JSON.parse(messages[0].Message)).toMatchObject({ environment: 'dev', runId: first.runId });
    });

    it('does not scale again nor alert again when the same event is retried', async () => {
      const before = await desired('checkout-api');
      const again = await handler(event('evt-normal'), context);
      expect(await desired('checkout-api')).toBe(before);
      expect(again.alertMessageId).toBeUndefined();
      expect(await alertMessages()).toEqual([]);
    });

    it('recovers in the same run when the Splunk token is rotated in OpenBao (with the rotate command, CAS)', async () => {
      splunk.accept(['Bearer splunk-token-2']);
      const rotate = spawnSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'), [join(PROJECT_ROOT, 'scripts', 'rotate.ts'), '--env', 'dev', '--secret', 'splunk', '--from-stdin'], {
        input: 'splunk-token-2\n',
        encoding: 'utf8',
        env: { ...process.env, VAULT_ADDR: bao.url, VAULT_TOKEN: bao.rootToken },
      });
      expect(rotate.stderr).toContain(`rotated ${KV}/container-anomaly/dev/splunk: version 1 -> 2`);
      expect(rotate.stdout.trim()).toBe('2');
      // The warm sandbox still holds token 1 in its cache: Splunk refuses it, the handler re-reads Vault.
      const run = await handler(event('evt-rotated'), context);
      expect(run.degraded).toBe(false);
      expect(run.sourceErrors).toEqual([]);
      expect(run.containers).toBe(8);
    });
  });

  describe('faults', () => {
    jest.setTimeout(60_000);
    it('fails clearly when the Vault policy denies the secrets, keeping the archive of the run', async () => {
      await warmState('it-denied');
      const noAccess = ((await bao.api('POST', 'auth/token/create', { policies: ['default'], ttl: '10m' })).body as { auth: { client_token: string } }).auth.client_token;
      const handler = coldStart(config('it-denied'), noAccess);
      await expect(handler(event('evt-denied'), context)).rejects.toThrow(/every metric source failed: splunk: permission denied \(403\) reading container-anomaly-dev\/data\/container-anomaly\/dev\/splunk/);
      const keys = await archiveKeys('it-denied');
      expect(keys).toHaveLength(1);
      expect((await archived(keys[0]))[0]).toMatchObject({ record: 'run', sourceErrors: [expect.objectContaining({ source: 'splunk' }), expect.objectContaining({ source: 'dynatrace' })] });
    });

    it('uses the embedded detector, and says so, when the SageMaker endpoint does not answer like RCF', async () => {
      // moto answers any endpoint with a fixed non-RCF body: the same failure path as a broken or missing endpoint.
      await warmState('it-sagemaker');
      const meta = { featureOrder: ['cpu_pct', 'mem_pct', 'net_mbps', 'disk_iops'], scaling: { mean: [0, 0, 0, 0], std: [1, 1, 1, 1] }, scoreStats: { mean: 1, std: 0.1, p99: 1.5, p999: 2 }, threshold: 2, trainingJobName: 'rcf-it', trainedAt: '2026-11-01T00:00:00.000Z', hyperparameters: {} };
      await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'models/env=it-sagemaker/rcf-it/output/model.metadata.json', Body: JSON.stringify(meta) }));
      const handler = coldStart(config('it-sagemaker', { sagemaker: { endpointName: 'cad-it-missing', metadataKey: 'models/env=it-sagemaker/rcf-it/output/model.metadata.json' } }));
      const run = await handler(event('evt-sagemaker'), context);
      expect(run.scorer).toBe('embedded');
      expect(run.fallbackReason).toBeDefined();
      expect(run.containers).toBe(8);
    });

    it('fails loudly when the archive bucket is unavailable', async () => {
      await warmState('it-s3');
      const handler = coldStart({ ...config('it-s3'), archive: { bucket: 'cad-it-no-such-bucket' } });
      await expect(handler(event('evt-s3'), context)).rejects.toThrow(/cad-it-no-such-bucket/);
    });

    it('still scales the other services when one allow-listed service cannot be scaled', async () => {
      await warmState('it-ecs');
      const cfg = config('it-ecs');
      // checkout-api reached 4 tasks in the first scenario: give it room to grow here.
      const services = cfg.ecs.services.map((s) => (s.name === 'checkout-api' ? { ...s, maxTasks: 8 } : s));
      const handler = coldStart({ ...cfg, ecs: { ...cfg.ecs, services: [...services, { name: 'search-api', minTasks: 2, maxTasks: 4 }] } });
      const before = await desired('checkout-api');
      const run = await handler(event('evt-ecs'), context);
      expect(run.degraded).toBe(true);
      expect(run.actionDetails).toEqual(expect.arrayContaining([
        { cluster: CLUSTER, service: 'search-api', outcome: 'failed', reason: expect.stringMatching(/^describe failed: ECS service it-apps\/search-api: MISSING/) },
        expect.objectContaining({ service: 'checkout-api', outcome: 'scaled', from: before }),
      ]));
      expect(await desired('checkout-api')).toBeGreaterThan(before);
    });

    it("judges on the environment's time zone: a state learned on UTC days is kept aside and the models re-learn on the zone's", async () => {
      // The state warmState leaves was learned on UTC days; an environment that names its zone must not keep judging on them.
      await warmState('it-tz');
      const handler = coldStart(config('it-tz', { timeZone: 'Europe/Berlin' }));
      const run = await handler(event('evt-tz'), context);
      expect(run.containers).toBe(8);
      expect(run.warmingUntil).toBeDefined();
      const res = await s3().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'state/env=it-tz/detector-state.bin' }));
      expect(FleetDetector.deserialize(await res.Body!.transformToByteArray()).options.timeZone).toBe('Europe/Berlin');
      const kept = await s3().send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'state/env=it-tz/' }));
      expect((kept.Contents ?? []).map((o) => o.Key)).toContain(`state/env=it-tz/detector-state.unreadable-${run.runId}.bin`);
    });

    it('fails clearly while OpenBao is sealed, keeping the archive of the run', async () => {
      await warmState('it-sealed');
      const handler = coldStart(config('it-sealed'));
      expect((await bao.api('PUT', 'sys/seal')).status).toBe(204);
      await expect(handler(event('evt-sealed'), context)).rejects.toThrow(/Vault is sealed \(503\)/);
      expect(await archiveKeys('it-sealed')).toHaveLength(1);
    });
  });
});

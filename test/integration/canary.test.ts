/**
 * The canary: secrets never leave Vault. Canary credentials (current and
 * previous versions) live in a real OpenBao; the Lambda runtime — the same
 * composition and handler the bundle runs — goes through every upstream
 * failure an echoing gateway produces, and one upstream that puts the
 * credential into the data itself. Then every sink is searched: captured log
 * output, thrown errors and the runtime's log line, every archive object in
 * moto's S3, the SNS alerts received through an SQS subscription, the
 * dead-letter queue, and the summaries the handler returned. Zero hits with the boundary; and with the boundary left
 * off any one sink, that sink leaks — so the boundary is what protects it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { bundleLambda, PROJECT_ROOT } from '../../modules/detector-function/bundle';
import { DEFAULT_DYNATRACE_DIMENSIONS, DEFAULT_DYNATRACE_METRICS, DEFAULT_SPLUNK_FIELDS } from '../../src/config/source-defaults';
import { renderDetectorPolicy } from '../../modules/vault-secrets';
import { DETECTOR_CONFIG_ENV, parseRuntimeConfig, type RuntimeConfigInput } from '../../src/config/runtime-config';
import { FleetDetector } from '../../src/detector';
import { startDynatraceServer, type LocalDynatrace } from '../../src/local/dynatrace-server';
import { startSplunkServer, type LocalSplunk } from '../../src/local/splunk-server';
import { RedactionBoundary, type DetectorRunError, type Sink, type SinkBoundary } from '../../src/observability/boundary';
import { processRedactor } from '../../src/observability/redaction';
import { createHandler, type DetectEvent, type DetectHandler } from '../../src/runtime/handler';
import { createLambdaRuntime } from '../../src/runtime/lambda';
import { FleetSim, SIM_SERVICES, STEP_MS, containerIdOf } from '../../src/sim/fleet';
import { createQueue, drainQueue, objectTexts } from '../support/aws-sinks';
import { canaryDynatraceToken, canaryPassword, canarySet, findCanaries } from '../support/canary';
import { startEchoingGateway, type EchoingGateway, type GatewayOptions } from '../support/echoing-gateway';
import { invokeAsync } from '../support/lambda-invoke';
import { startBao, startMoto, type Bao, type ManagedServer } from '../support/servers';

const REGION = 'us-east-1';
const BUCKET = 'cad-canary-archive';
const KV = 'container-anomaly-canary';
const SPLUNK_PATH = 'container-anomaly/canary/splunk';
const DYNATRACE_PATH = 'container-anomaly/canary/dynatrace';
const HISTORY = 600;
const HOUR_MS = 3_600_000;

const USER = `svc-canary-${randomBytes(3).toString('hex')}`;
const PASSWORD_OLD = canaryPassword();
const PASSWORD = canaryPassword();
const DT_TOKEN_OLD = canaryDynatraceToken();
const DT_TOKEN = canaryDynatraceToken();
const basic = (password: string) => `Basic ${Buffer.from(`${USER}:${password}`).toString('base64')}`;
const CANARIES = canarySet(
  { 'splunk password': PASSWORD, 'previous splunk password': PASSWORD_OLD, 'dynatrace token': DT_TOKEN, 'previous dynatrace token': DT_TOKEN_OLD },
  { 'splunk basic auth': [USER, PASSWORD], 'previous splunk basic auth': [USER, PASSWORD_OLD] },
);
/** An upstream that puts the credential into the data (a field extracted from access logs that captured it): it reaches alerts. */
const LEAKY_SERVICE = `billing-${PASSWORD}`;

/** What a gateway remembers from a request sent before the rotation, by another sandbox. */
const PREVIOUS_REQUEST = [
  `POST /services/search/v2/jobs/export`,
  `authorization: ${basic(PASSWORD_OLD)}`,
  `body: ${JSON.stringify({ username: USER, password: PASSWORD_OLD })}`,
  `GET /api/v2/metrics/query?Api-Token=${DT_TOKEN_OLD}`,
].join('\n');

interface Scenario {
  name: string;
  /** Which upstreams go through the gateway; the others are the documented local servers. */
  via: Array<'splunk' | 'dynatrace'>;
  gateway?: GatewayOptions;
}

const SCENARIOS: Scenario[] = [
  { name: 'anomaly on a service whose label carries the credential', via: [] },
  { name: '502 HTML page dumping the request', via: ['splunk', 'dynatrace'], gateway: { mode: 'html-5xx', previousRequest: PREVIOUS_REQUEST } },
  // The collectors' old cut points: Splunk error bodies at 500 characters, Dynatrace at 300, a Splunk line that is not JSON at 120.
  ...[500, 300].map((straddle): Scenario => ({ name: `credential straddling a cut at ${straddle}`, via: ['splunk', 'dynatrace'], gateway: { mode: 'html-5xx', straddle } })),
  { name: 'credential straddling a cut at 120 in a 200 login page', via: ['splunk', 'dynatrace'], gateway: { mode: 'login-200', straddle: 120 } },
  { name: 'proxy quoting the decoded password, unlabelled, across the cut at 500', via: ['splunk', 'dynatrace'], gateway: { mode: 'bind-5xx', straddle: 500 } },
  { name: '401 echoing headers', via: ['splunk', 'dynatrace'], gateway: { mode: 'echo-401', previousRequest: PREVIOUS_REQUEST } },
  { name: '403 echoing headers', via: ['splunk', 'dynatrace'], gateway: { mode: 'echo-403' } },
  { name: 'token moved into the query string', via: ['splunk', 'dynatrace'], gateway: { mode: 'query-token', straddle: 280 } },
  { name: '200 that is not the service: FATAL message and login page quoting the request', via: ['splunk', 'dynatrace'], gateway: { mode: 'fatal-200', previousRequest: PREVIOUS_REQUEST } },
  { name: 'one source echoing, the other fine (degraded run)', via: ['dynatrace'], gateway: { mode: 'html-5xx', straddle: 300, previousRequest: PREVIOUS_REQUEST } },
];

/** Every sink's output for one variant, as text. */
interface Outputs {
  logs: string[];
  thrown: string[];
  deadLetters: string[];
  archive: string[];
  alerts: string[];
  /** What the handler returned (a synchronous caller, or an on-success destination, receives it). */
  returned: string[];
}

/** A boundary that leaves one sink unwrapped (the variants that prove each wrapper matters). */
function boundaryWithout(sink: Sink): SinkBoundary {
  const full = new RedactionBoundary(processRedactor);
  return {
    log: (l) => (sink === 'log' ? l : full.log(l)),
    store: (s) => (sink === 'store' ? s : full.store(s)),
    alerter: (a) => (sink === 'alerter' ? a : full.alerter(a)),
    returned: (v) => (sink === 'returned' ? v : full.returned(v)),
    thrown: (e, runId) => (sink === 'thrown' && e instanceof Error ? e : full.thrown(e, runId)),
  };
}

/** The deployed artifact itself: the esbuild bundle of `handlers/detect.ts`, loaded fresh as a cold start loads it. */
const BUNDLE = join(PROJECT_ROOT, '.gen', 'canary-bundle', 'index.js');
function productionHandler(config: RuntimeConfigInput): DetectHandler {
  process.env[DETECTOR_CONFIG_ENV] = JSON.stringify(config);
  let handler: DetectHandler | undefined;
  jest.isolateModules(() => {
    handler = (require(BUNDLE) as { handler: DetectHandler }).handler;
  });
  return handler!;
}

describe('canary: no secret value leaves through any sink', () => {
  let moto: ManagedServer;
  let bao: Bao;
  let splunk: LocalSplunk;
  let dynatrace: LocalDynatrace;
  let gateway: EchoingGateway;
  let detectorToken: string;
  let learned: Uint8Array;
  const aws = { credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, region: REGION, endpoint: '' };
  const s3 = () => new S3Client({ ...aws, forcePathStyle: true });
  const sqs = () => new SQSClient(aws);

  beforeAll(async () => {
    [moto, bao] = await Promise.all([startMoto(), startBao()]);
    aws.endpoint = moto.url;
    const now = Math.floor(Date.now() / STEP_MS) * STEP_MS;
    const profile = (name: string) => SIM_SERVICES.find((s) => s.name === name)!;
    const sim = new FleetSim({
      seed: 11,
      startMs: now - HISTORY * STEP_MS,
      // The traffic wave pinned to around noon, whatever the hour the suite runs (as in handler.test.ts).
      waveShiftMs: Math.round((12 * HOUR_MS - (now % (24 * HOUR_MS))) / HOUR_MS) * HOUR_MS,
      services: [profile('checkout-api'), { ...profile('payments-worker'), name: LEAKY_SERVICE }],
      containersPerService: 2,
      incidents: [{ service: LEAKY_SERVICE, containerId: containerIdOf(LEAKY_SERVICE, 1), kind: 'outage', fromStep: HISTORY - 2, toStep: HISTORY + 40 }],
    });
    const detector = FleetDetector.create();
    for (let step = 0; step < HISTORY - 2; step++) {
      for (const c of sim.fleetAt(step)) detector.update(c.containerId, c.service, sim.timeOf(step), [c.metrics.cpu_pct, c.metrics.mem_pct, c.metrics.net_mbps, c.metrics.disk_iops]);
    }
    learned = detector.serialize();
    splunk = await startSplunkServer({ sim, acceptedAuthorization: [basic(PASSWORD)] });
    dynatrace = await startDynatraceServer({ sim, acceptedTokens: [DT_TOKEN], gapRate: 0 });
    gateway = await startEchoingGateway({ mode: 'html-5xx' });
    mkdirSync(dirname(BUNDLE), { recursive: true });
    writeFileSync(BUNDLE, bundleLambda().code);

    await bao.api('POST', `sys/mounts/${KV}`, { type: 'kv', options: { version: '2' } });
    // Version 1, then the rotation to version 2: the Lambda reads 2 and must redact 1 as well.
    await bao.api('POST', `${KV}/data/${SPLUNK_PATH}`, { data: { username: USER, password: PASSWORD_OLD } });
    await bao.api('POST', `${KV}/data/${SPLUNK_PATH}`, { data: { username: USER, password: PASSWORD } });
    await bao.api('POST', `${KV}/data/${DYNATRACE_PATH}`, { data: { apiToken: DT_TOKEN_OLD } });
    await bao.api('POST', `${KV}/data/${DYNATRACE_PATH}`, { data: { apiToken: DT_TOKEN } });
    await bao.api('PUT', 'sys/policies/acl/cad-canary-detector-read', { policy: renderDetectorPolicy(KV, [SPLUNK_PATH, DYNATRACE_PATH]) });
    detectorToken = ((await bao.api('POST', 'auth/token/create', { policies: ['cad-canary-detector-read'], no_default_policy: true, ttl: '1h' })).body as { auth: { client_token: string } }).auth.client_token;
    await s3().send(new CreateBucketCommand({ Bucket: BUCKET }));
    Object.assign(process.env, {
      VAULT_TOKEN: detectorToken, AWS_ENDPOINT_URL: moto.url, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: REGION,
      S3_FORCE_PATH_STYLE: 'true', POWERTOOLS_LOG_LEVEL: 'DEBUG',
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([splunk?.close(), dynatrace?.close(), gateway?.close(), moto?.stop(), bao?.stop()]);
  });

  function config(environment: string, topicArn: string, scenario: Scenario): RuntimeConfigInput {
    const upstream = (service: 'splunk' | 'dynatrace', local: string) => (scenario.via.includes(service) ? gateway.url : local);
    return {
      environment, region: REGION, dryRun: false,
      archive: { bucket: BUCKET },
      alerts: { topicArn, suppressionMinutes: 60 },
      sagemaker: {},
      vault: { address: bao.url, kvMount: KV, splunkPath: SPLUNK_PATH, dynatracePath: DYNATRACE_PATH, auth: { method: 'token' } },
      splunk: { baseUrl: upstream('splunk', splunk.url), index: 'ecs', spl: 'search index=ecs | stats avg(cpu_pct) by container_id', lookbackMinutes: 10, authScheme: 'basic', fields: DEFAULT_SPLUNK_FIELDS },
      dynatrace: { environmentUrl: upstream('dynatrace', dynatrace.url), resolution: '1m', entitySelector: 'type(CONTAINER_GROUP_INSTANCE)', dimensions: DEFAULT_DYNATRACE_DIMENSIONS, metrics: DEFAULT_DYNATRACE_METRICS },
      staleAfterMinutes: 10,
      ecs: { cluster: 'canary-apps', services: [{ name: 'checkout-api', minTasks: 2, maxTasks: 2 }], step: 1, criticalStep: 1, cooldownMinutes: 15 },
    };
  }

  /** Runs every scenario, each as a fresh sandbox's first invocation, and gathers what each sink received. */
  /** `boundary`: the production wiring, or the runtime composed with a boundary that leaves one sink off. */
  async function runScenarios(environment: string, boundary: SinkBoundary | 'production'): Promise<Outputs & { errors: Array<Error | undefined> }> {
    const alerts = await createQueue(sqs(), `${environment}-alerts`);
    const deadLetters = await createQueue(sqs(), `${environment}-dlq`);
    const topicArn = (await new SNSClient(aws).send(new CreateTopicCommand({ Name: `${environment}-alerts` }))).TopicArn!;
    await new SNSClient(aws).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: alerts.arn }));
    await s3().send(new PutObjectCommand({ Bucket: BUCKET, Key: `state/env=${environment}/detector-state.bin`, Body: learned }));

    const out: Outputs & { errors: Array<Error | undefined> } = { logs: [], thrown: [], deadLetters: [], archive: [], alerts: [], returned: [], errors: [] };
    const capture = (chunk: string | Uint8Array) => (out.logs.push(String(chunk)), true);
    const spies = [jest.spyOn(process.stdout, 'write').mockImplementation(capture), jest.spyOn(process.stderr, 'write').mockImplementation(capture)];
    try {
      for (const [i, scenario] of SCENARIOS.entries()) {
        if (scenario.gateway) gateway.set(scenario.gateway);
        const cfg = config(environment, topicArn, scenario);
        const handler = boundary === 'production' ? productionHandler(cfg) : createHandler(() => createLambdaRuntime(parseRuntimeConfig(JSON.stringify(cfg)), { boundary }), boundary);
        const event = { id: `evt-${environment}-${i}`, version: '0', account: '123456789012', time: new Date().toISOString(), region: REGION, resources: [], source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} } as DetectEvent;
        const invocation = await invokeAsync(handler, event, { sqs: sqs(), queueUrl: deadLetters.url });
        out.errors.push(invocation.error);
        if (invocation.result) out.returned.push(JSON.stringify(invocation.result));
        if (invocation.error) out.thrown.push(invocation.error.message, invocation.error.stack ?? '', ...invocation.runtimeLog);
      }
    } finally {
      for (const s of spies) s.mockRestore();
    }
    out.deadLetters = await drainQueue(sqs(), deadLetters.url);
    out.alerts = await drainQueue(sqs(), alerts.url);
    out.archive = await objectTexts(s3(), BUCKET, `env=${environment}/`);
    return out;
  }

  it.each([
    ['html-5xx', 500, '/services/search/v2/jobs/export', basic(PASSWORD)],
    ['html-5xx', 300, '/api/v2/metrics/query', `Api-Token ${DT_TOKEN}`],
    ['login-200', 120, '/services/search/v2/jobs/export', basic(PASSWORD)],
    ['bind-5xx', 500, '/services/search/v2/jobs/export', basic(PASSWORD)],
  ] as const)('the gateway (%s) puts the credential across a cut at %i characters', async (mode, straddle, path, authorization) => {
    gateway.set({ mode, straddle });
    const body = await (await fetch(`${gateway.url}${path}`, { headers: { authorization } })).text();
    const credential = mode === 'bind-5xx' ? PASSWORD : authorization.split(' ')[1];
    expect(body.slice(0, straddle).endsWith(credential.slice(0, 10))).toBe(true);
  });

  describe('as deployed (the Lambda bundle, its default boundary on every sink)', () => {
    let out: Awaited<ReturnType<typeof runScenarios>>;
    beforeAll(async () => {
      out = await runScenarios('cy-full', 'production');
    }, 180_000);

    it('went through every scenario: an alert, a failed run per echoing scenario, a degraded run, an archive per run', () => {
      const failed = out.errors.filter((e) => e !== undefined);
      expect(out.errors[0]).toBeUndefined();
      expect(out.errors[out.errors.length - 1]).toBeUndefined();
      expect(failed).toHaveLength(SCENARIOS.length - 2);
      expect(out.alerts.length).toBeGreaterThanOrEqual(2);
      expect(out.deadLetters).toHaveLength(2 * failed.length);
      expect(out.archive.filter((t) => t.includes('"record":"run"'))).toHaveLength(SCENARIOS.length);
      expect(gateway.requests).toBeGreaterThan(0);
    });

    it('throws the run id and a redacted message only; the details are in the log under that run id', () => {
      for (const error of out.errors.filter((e): e is Error => e !== undefined)) {
        // Own fields: the run id and the original error's name, nothing an upstream sent.
        expect(Object.keys(error).sort()).toEqual(['name', 'runId']);
        const { runId } = error as DetectorRunError;
        expect(runId).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}$/);
        expect(error.message.startsWith(`run ${runId} failed: `)).toBe(true);
        expect(error.cause).toBeUndefined();
        expect(out.logs.some((l) => l.includes(`"runId":"${runId}"`) && l.includes('"message":"run failed"'))).toBe(true);
      }
    });

    it.each(['logs', 'thrown', 'deadLetters', 'archive', 'alerts', 'returned'] as const)('finds no canary in %s', (sink) => {
      expect(out[sink].length).toBeGreaterThan(0);
      expect(findCanaries(CANARIES, out[sink])).toEqual([]);
    });
  });

  // Each wrapper, left off, lets its sink leak: the canary search above can fail, and the boundary is what passes it.
  describe.each([
    ['log', ['logs']],
    ['store', ['archive']],
    ['alerter', ['alerts']],
    ['returned', ['returned']],
    ['thrown', ['thrown', 'deadLetters']],
  ] as const)('with the boundary left off the %s sink', (sink, leaking) => {
    let out: Awaited<ReturnType<typeof runScenarios>>;
    beforeAll(async () => {
      out = await runScenarios(`cy-${sink}`, boundaryWithout(sink));
    }, 180_000);

    it.each(leaking)('the canary search finds the secret in %s', (where) => {
      expect(findCanaries(CANARIES, out[where])).not.toEqual([]);
    });
  });
});

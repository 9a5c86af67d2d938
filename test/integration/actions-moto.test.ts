/**
 * The action step with the real ECS and Application Auto Scaling clients
 * against moto: scale-outs are scoped to (cluster, service), raise only the
 * auto-scaling minimum, are given back after the incident, and never undo a
 * person's change. Alerts go through the real SNS client to an SQS queue.
 */
import { CreateClusterCommand, CreateServiceCommand, DescribeServicesCommand, ECSClient, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand, RegisterScalableTargetCommand } from '@aws-sdk/client-application-auto-scaling';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EcsScaler } from '../../src/adapters/aws/ecs-scaler';
import { SnsAlerter } from '../../src/adapters/aws/sns-alerter';
import { MemoryObjectStore } from '../../src/adapters/memory/object-store';
import { runCycle, type CycleDeps, type CycleOptions } from '../../src/pipeline/run-cycle';
import type { PartialSample } from '../../src/core/model';
import { FakeSource, RecordingLog, RecordingMetrics, ScriptedDetector, ScriptedDetectorFactory, fixedClock, fullMetrics, noDeadline } from '../support/fakes';
import { startMoto, type ManagedServer } from '../support/servers';

const REGION = 'us-east-1';
const START = Date.parse('2026-11-24T10:05:00.000Z');

describe('actions against moto ECS, Application Auto Scaling and SNS', () => {
  let moto: ManagedServer;
  let aws: { credentials: { accessKeyId: string; secretAccessKey: string }; region: string; endpoint: string };
  let topicArn: string;
  let queueUrl: string;
  const ecs = () => new ECSClient(aws);
  const aas = () => new ApplicationAutoScalingClient(aws);

  beforeAll(async () => {
    moto = await startMoto();
    aws = { credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, region: REGION, endpoint: moto.url };
    await ecs().send(new RegisterTaskDefinitionCommand({ family: 'app', containerDefinitions: [{ name: 'app', image: 'app:1', memory: 256 }] }));
    topicArn = (await new SNSClient(aws).send(new CreateTopicCommand({ Name: 'cad-it-actions' }))).TopicArn!;
    const sqs = new SQSClient(aws);
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'it-actions' }))).QueueUrl!;
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await new SNSClient(aws).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
  }, 60_000);
  afterAll(async () => moto?.stop());

  let clusterCount = 0;
  /** A fresh cluster with one service at `desired`, optionally with a scalable target. */
  async function service(desired: number, target?: { min: number; max: number }) {
    const cluster = `apps-${++clusterCount}`;
    await ecs().send(new CreateClusterCommand({ clusterName: cluster }));
    await ecs().send(new CreateServiceCommand({ cluster, serviceName: 'checkout-api', taskDefinition: 'app', desiredCount: desired }));
    if (target) {
      await aas().send(new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs', ResourceId: `service/${cluster}/checkout-api`, ScalableDimension: 'ecs:service:DesiredCount', MinCapacity: target.min, MaxCapacity: target.max,
      }));
    }
    return cluster;
  }
  const desired = async (cluster: string) => (await ecs().send(new DescribeServicesCommand({ cluster, services: ['checkout-api'] }))).services![0].desiredCount;
  const target = async (cluster: string) => {
    const t = (await aas().send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [`service/${cluster}/checkout-api`], ScalableDimension: 'ecs:service:DesiredCount' }))).ScalableTargets![0];
    return { min: t.MinCapacity, max: t.MaxCapacity };
  };

  function setup(cluster: string, sampleCluster = cluster) {
    const sample: PartialSample = { containerId: 'c1', service: 'checkout-api', cluster: sampleCluster, timestamp: '2026-11-24T10:00:00.000Z', metrics: fullMetrics(95), source: 'splunk' };
    const detector = new ScriptedDetector(new Map([['c1', { metric: 'cpu_pct', direction: 'high' }]]));
    const clock = fixedClock(new Date(START).toISOString());
    const scaler = new EcsScaler(ecs(), aas());
    const deps: CycleDeps = {
      sources: [FakeSource.of('splunk', [sample])], store: new MemoryObjectStore(), detectors: new ScriptedDetectorFactory(detector), scaler,
      alerter: new SnsAlerter(new SNSClient(aws), topicArn), log: new RecordingLog(), metrics: new RecordingMetrics(), clock,
    };
    const options: CycleOptions = {
      environment: 'it', runId: 'r', runKey: 'e', deadline: noDeadline, lookbackMinutes: 10, dryRun: false, suppressionMinutes: 30,
      scaling: { services: [{ cluster, name: 'checkout-api', minTasks: 1, maxTasks: 24 }], step: 1, criticalStep: 2, cooldownMinutes: 15 },
    };
    let run = 0;
    const next = () => {
      const at = START + run * 300_000;
      clock.set(new Date(at).toISOString());
      // Each run's rows are fresh, as a live source's are: points past the staleness bound are dropped.
      sample.timestamp = new Date(at - 300_000).toISOString();
      run++;
      return runCycle(deps, { ...options, runId: `run-${run}`, runKey: `${cluster}-evt-${run}` });
    };
    /** The incident clears: seven quiet runs resolve it (30 minutes) and give the capacity back. */
    const quiet = async () => {
      detector.anomalous = new Map();
      const out = [];
      for (let i = 0; i < 7; i++) out.push(await next());
      return out;
    };
    return { deps, scaler, next, quiet };
  }

  // Defect 2: min 4 / max 50 with maxTasks 24 was registered as min 7, max 24.
  it('raises only the minimum of a scalable target, keeps its maximum, and returns the minimum after the incident', async () => {
    const cluster = await service(5, { min: 4, max: 50 });
    const t = setup(cluster);
    const first = await t.next();
    expect(first.actionDetails).toEqual([{ cluster, service: 'checkout-api', outcome: 'min-capacity-raised', from: 4, to: 6 }]);
    expect(await target(cluster)).toEqual({ min: 6, max: 50 });
    await t.quiet();
    expect(await target(cluster)).toEqual({ min: 4, max: 50 });
  }, 60_000);

  // Defect 3: a raised desired count stayed after the incident.
  it('gives back a raised desired count once the incident is resolved', async () => {
    const cluster = await service(2);
    const t = setup(cluster);
    await t.next();
    expect(await desired(cluster)).toBe(3);
    const later = await t.quiet();
    expect(later.flatMap((s) => s.actionDetails)).toEqual([{ cluster, service: 'checkout-api', outcome: 'restored', from: 3, to: 2, reason: 'desired-count' }]);
    expect(await desired(cluster)).toBe(2);
  }, 60_000);

  it('leaves a desired count a person changed during the incident', async () => {
    const cluster = await service(2);
    const t = setup(cluster);
    await t.next();
    await ecs().send(new UpdateServiceCommand({ cluster, service: 'checkout-api', desiredCount: 9 }));
    const later = await t.quiet();
    expect(later.flatMap((s) => s.actionDetails)).toEqual([expect.objectContaining({ outcome: 'left-as-changed', to: 2 })]);
    expect(await desired(cluster)).toBe(9);
  }, 60_000);

  // Defect 4: someone scaled 4 → 12 between the run's describe and its update; the run wrote 5.
  it('never writes over a person who scaled between the read and the write', async () => {
    const cluster = await service(4);
    const t = setup(cluster);
    const describe = t.scaler.describe.bind(t.scaler);
    let raced = false;
    t.scaler.describe = async (c, s) => {
      const seen = await describe(c, s);
      if (!raced) {
        raced = true;
        await ecs().send(new UpdateServiceCommand({ cluster, service: 'checkout-api', desiredCount: 12 }));
      }
      return seen;
    };
    const summary = await t.next();
    expect(summary.actionDetails).toEqual([expect.objectContaining({ outcome: 'skipped', reason: 'changed-since-read: desired-count is now 12' })]);
    expect(await desired(cluster)).toBe(12);
  }, 60_000);

  // Defect 1: an anomaly on checkout-api in apps-staging scaled apps-prod/checkout-api.
  it('does not scale a service because a service of the same name in another cluster is anomalous', async () => {
    const prod = await service(3);
    const staging = await service(3);
    const t = setup(prod, staging);
    await t.next();
    expect(await desired(prod)).toBe(3);
    expect(await desired(staging)).toBe(3);
  }, 60_000);

  // Defect 7: a fleet-wide incident made a body over SNS's 256 KB limit.
  it('publishes a fleet-wide incident through SNS with status and severity attributes', async () => {
    const cluster = await service(2);
    const samples: PartialSample[] = Array.from({ length: 1000 }, (_, i) => ({
      containerId: `container-${i}-${'x'.repeat(60)}`, service: `service-${i % 50}-${'y'.repeat(40)}`, cluster, timestamp: '2026-11-24T10:00:00.000Z', metrics: fullMetrics(95), source: 'splunk',
    }));
    const t = setup(cluster);
    t.deps.sources = [FakeSource.of('splunk', samples)];
    t.deps.detectors = new ScriptedDetectorFactory(new ScriptedDetector(new Map(samples.map((s) => [s.containerId, { metric: 'cpu_pct', direction: 'high' }]))));
    const summary = await t.next();
    expect(summary.degraded).toBe(false);
    expect(summary.alertMessageId).toEqual(expect.any(String));
    const received = await new SQSClient(aws).send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const notes = received.Messages!.map((m) => JSON.parse(m.Body!) as { Subject: string; Message: string; MessageAttributes: Record<string, { Value: string }> });
    const fleet = notes.find((n) => JSON.parse(n.Message).anomaliesTotal === 1000)!;
    // Every container of each service is anomalous, so the policy calls it critical: subject and attribute agree.
    expect(fleet.MessageAttributes.status.Value).toBe('firing');
    expect(fleet.MessageAttributes.severity.Value).toBe('critical');
    expect(fleet.Subject).toMatch(/^\[it\] CRITICAL: opened service-0-y+, service-1-y+/);
    expect(fleet.Subject.length).toBeLessThan(100);
    expect(Buffer.byteLength(fleet.Message)).toBeLessThan(256 * 1024);
  }, 60_000);
});

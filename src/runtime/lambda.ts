/**
 * The Lambda's composition root: builds the adapters once per cold start (so
 * Vault tokens, cached secrets and SDK connections survive warm invocations)
 * and runs one cycle per invocation. AWS clients are imported lazily: the
 * module a cold start loads stays small.
 */
import type { RuntimeConfig } from '../config/runtime-config';
import { runCycle } from '../pipeline/run-cycle';
import type { RemoteScorer } from '../pipeline/ports';
import { fleetDetectorFactory } from '../detector';
import { createStructuredLog } from '../observability/logging';
import { RedactionBoundary, type SinkBoundary } from '../observability/boundary';
import { processRedactor } from '../observability/redaction';
import { EmfMetrics } from '../observability/metrics';
import { AwsIamAuth, ExtensionAuth, TokenAuth } from '../adapters/vault/auth';
import type { VaultAuthMethod } from '../adapters/vault/client';
import { cycleOptionsFrom } from './cycle-options';
import type { DetectorRuntime } from './handler';
import { createSecretProvider, createSources } from './sources';

export interface RuntimeOptions {
  /** Wraps every sink the run writes to; the default redacts every secret the process has read. */
  boundary?: SinkBoundary;
}

async function vaultAuth(config: RuntimeConfig): Promise<VaultAuthMethod> {
  const auth = config.vault.auth;
  if (auth.method === 'extension') return new ExtensionAuth();
  if (auth.method === 'token') return new TokenAuth(process.env.VAULT_TOKEN ?? '');
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return new AwsIamAuth({ mount: auth.mount, role: auth.role, stsRegion: auth.stsRegion, serverId: auth.iamServerId, credentials: defaultProvider() });
}

export async function createLambdaRuntime(config: RuntimeConfig, options: RuntimeOptions = {}): Promise<DetectorRuntime> {
  const [{ S3Client }, { ECSClient }, { ApplicationAutoScalingClient }, { SNSClient }, { S3ObjectStore }, { EcsScaler }, { SnsAlerter }] = await Promise.all([
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-ecs'),
    import('@aws-sdk/client-application-auto-scaling'),
    import('@aws-sdk/client-sns'),
    import('../adapters/aws/s3-object-store'),
    import('../adapters/aws/ecs-scaler'),
    import('../adapters/aws/sns-alerter'),
  ]);
  const region = config.region;
  const boundary = options.boundary ?? new RedactionBoundary(processRedactor);
  const structuredLog = createStructuredLog({ environment: config.environment });
  const log = boundary.log(structuredLog);
  // Path-style addressing for S3-compatible endpoints (AWS_ENDPOINT_URL pointing at MinIO, moto, …).
  const forcePathStyle = process.env.S3_FORCE_PATH_STYLE === 'true';
  const store = boundary.store(new S3ObjectStore(new S3Client({ region, forcePathStyle }), config.archive.bucket));
  const secrets = createSecretProvider(config, await vaultAuth(config));
  const sources = createSources(config, secrets);
  const scaler = new EcsScaler(new ECSClient({ region }), new ApplicationAutoScalingClient({ region }));
  const alerter = boundary.alerter(new SnsAlerter(new SNSClient({ region }), config.alerts.topicArn));
  let remoteScorer: RemoteScorer | undefined;
  if (config.sagemaker.endpointName) {
    const [{ SageMakerRuntimeClient }, { SageMakerScorer, loadModelMetadata }] = await Promise.all([
      import('@aws-sdk/client-sagemaker-runtime'),
      import('../adapters/aws/sagemaker-scorer'),
    ]);
    const metadataKey = config.sagemaker.metadataKey;
    remoteScorer = new SageMakerScorer(new SageMakerRuntimeClient({ region }), {
      endpointName: config.sagemaker.endpointName,
      loadMetadata: () => (metadataKey ? loadModelMetadata(store, metadataKey) : Promise.reject(new Error('no model metadata key is configured'))),
    });
  }
  const detectors = fleetDetectorFactory({ timeZone: config.timeZone });

  return {
    boundary,
    async run(invocation) {
      const now = new Date();
      const options = cycleOptionsFrom(config, invocation, now);
      structuredLog.setRunContext({ runId: options.runId });
      const metrics = new EmfMetrics(config.environment);
      try {
        return await runCycle({ sources, store, detectors, remoteScorer, scaler, alerter, log, metrics, clock: { now: () => new Date() } }, options);
      } catch (e) {
        // The whole error (redacted) goes to the log; the handler throws only the run id and a redacted message.
        log.error('run failed', { error: e });
        throw e;
      } finally {
        metrics.flush();
      }
    },
  };
}

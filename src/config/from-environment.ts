/**
 * Derives the detector function's runtime configuration from an environment's
 * config and the names of the resources the stack created. Used by the stack
 * (as the `DETECTOR_CONFIG` variable) and by the local run.
 */
import type { DetectorConfig } from '../../environments/schema';
import { archiveKeys, names } from './naming';
import type { RuntimeConfigInput } from './runtime-config';
import { defaultEntitySelector, defaultSpl } from './source-defaults';

/** Names and addresses of deployed resources; Terraform tokens at synth time. */
export interface DeployedResources {
  archiveBucket: string;
  alertTopicArn: string;
  /** Undefined while no model is trained: the embedded detector scores alone. */
  endpointName?: string;
  /** The Vault AWS auth role the stack created; defaults to this project's name for it. */
  vaultAuthRole?: string;
}

export function toRuntimeConfig(env: DetectorConfig, resources: DeployedResources): RuntimeConfigInput {
  const { vault } = env;
  return {
    environment: env.name,
    region: env.aws.region,
    dryRun: env.dryRun,
    archive: { bucket: resources.archiveBucket },
    alerts: { topicArn: resources.alertTopicArn, suppressionMinutes: env.alerts.suppressionMinutes },
    sagemaker: {
      endpointName: resources.endpointName,
      metadataKey: env.sagemaker.modelArtifactKey ? archiveKeys.modelMetadata(env.sagemaker.modelArtifactKey) : undefined,
    },
    vault: {
      address: vault.useLambdaExtension ? 'http://127.0.0.1:8200' : vault.address,
      namespace: vault.namespace,
      kvMount: vault.kvMount,
      splunkPath: names.vaultSecretPath(vault.pathPrefix, 'splunk'),
      dynatracePath: names.vaultSecretPath(vault.pathPrefix, 'dynatrace'),
      auth: vault.useLambdaExtension
        ? { method: 'extension' }
        : {
            method: 'aws',
            mount: vault.awsAuthMount,
            role: resources.vaultAuthRole ?? names.vaultAuthRole(env.name),
            iamServerId: vault.iamServerIdHeader,
            stsRegion: env.aws.region,
          },
    },
    splunk: {
      baseUrl: env.splunk.baseUrl,
      index: env.splunk.index,
      spl: env.splunk.spl ?? defaultSpl(env.splunk.index, env.splunk.fields, env.ecs.clusterName),
      lookbackMinutes: env.splunk.lookbackMinutes,
      authScheme: env.splunk.authScheme,
      fields: env.splunk.fields,
    },
    dynatrace: {
      environmentUrl: env.dynatrace.environmentUrl,
      resolution: env.dynatrace.resolution,
      entitySelector: env.dynatrace.entitySelector ?? defaultEntitySelector(env.ecs.clusterName),
      dimensions: env.dynatrace.dimensions,
      metrics: env.dynatrace.metrics,
    },
    staleAfterMinutes: env.staleAfterMinutes,
    timeZone: env.timeZone,
    ecs: {
      cluster: env.ecs.clusterName,
      services: env.ecs.services,
      step: env.ecs.step,
      criticalStep: env.ecs.criticalStep,
      cooldownMinutes: env.ecs.cooldownMinutes,
    },
  };
}

/**
 * Names the stack gives its resources and the operator tools (train, rotate)
 * derive without reading Terraform state. One place, so both sides agree.
 */
import { ARCHIVE_PREFIXES } from './runtime-config';

/** Short resource-name prefix; keeps every bucket name under S3's 63 characters. */
export const NAME_PREFIX = 'cad';

/** Resource names under a naming prefix (a consumer of the construct may bring its own). */
export function namesFor(prefix: string) {
  return {
    archiveBucket: (env: string, accountId: string, region: string) => `${prefix}-${env}-${accountId}-${region}`,
    accessLogBucket: (env: string, accountId: string, region: string) => `${prefix}-${env}-${accountId}-${region}-logs`,
    alertTopic: (env: string) => `${prefix}-${env}-alerts`,
    detectorFunction: (env: string) => `${prefix}-${env}-detector`,
    detectorRole: (env: string) => `${prefix}-${env}-detector`,
    sagemakerExecutionRole: (env: string) => `${prefix}-${env}-sagemaker-execution`,
    sagemakerTrainingRole: (env: string) => `${prefix}-${env}-sagemaker-training`,
    endpoint: (env: string) => `${prefix}-${env}-rcf`,
    vaultPolicy: (env: string) => `${prefix}-${env}-detector-read`,
    vaultAuthRole: (env: string) => `${prefix}-${env}-detector`,
    vaultSecretPath: (pathPrefix: string, secret: 'splunk' | 'dynatrace') => `${pathPrefix}/${secret}`,
  };
}

export const names = namesFor(NAME_PREFIX);

/** S3 keys inside the archive bucket. IAM policies are scoped to the prefixes in ARCHIVE_PREFIXES. */
export const archiveKeys = {
  /** Hive-style so Athena can partition the history by env, date and hour. */
  metricsBatch: (env: string, at: Date, runId: string) => {
    const iso = at.toISOString();
    return `${ARCHIVE_PREFIXES.metrics}env=${env}/date=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/${runId}.jsonl.gz`;
  },
  metricsEnvPrefix: (env: string) => `${ARCHIVE_PREFIXES.metrics}env=${env}/`,
  detectorState: (env: string) => `${ARCHIVE_PREFIXES.state}env=${env}/detector-state.bin`,
  actionLedger: (env: string) => `${ARCHIVE_PREFIXES.state}env=${env}/action-ledger.json`,
  trainingPrefix: (env: string) => `${ARCHIVE_PREFIXES.training}env=${env}/`,
  modelsPrefix: (env: string) => `${ARCHIVE_PREFIXES.models}env=${env}/`,
  /** The metadata file lives next to the model artifact. */
  modelMetadata: (artifactKey: string) => artifactKey.replace(/\.tar\.gz$/, '.metadata.json'),
};

/** CloudWatch metrics the handler emits (Powertools EMF) and the alarms/dashboard read. */
export const detectorMetrics = {
  namespace: 'ContainerAnomalyDetector',
  /** Powertools adds `service` as a dimension; alarms must match the full set. */
  serviceDimension: 'detector',
  names: {
    containersScored: 'ContainersScored',
    anomalies: 'Anomalies',
    scaleActions: 'ScaleActions',
    /** Scale-outs given back after their incident. */
    scaleRestores: 'ScaleRestores',
    /** 1 while detection is limited: fresh embedded models are warming up. */
    detectorWarming: 'DetectorWarming',
    /** 1 when the action ledger was unreadable and had to be started afresh. */
    ledgerResets: 'LedgerResets',
    /** Open incidents whose service has been missing from the data: held open, capacity kept, no evidence. */
    blindIncidents: 'BlindIncidents',
    alertsPublished: 'AlertsPublished',
    sourceErrors: 'SourceErrors',
    /** Metrics a source is configured for but did not give (e.g. a key the tenant lacks). */
    sourceMetricsDegraded: 'SourceMetricsDegraded',
    rowsDropped: 'RowsDropped',
    /** Containers whose leading metric repeats one value improbably long (a stuck exporter or process): not scaled on. */
    frozenReadings: 'FrozenReadings',
    scorerFallbacks: 'ScorerFallbacks',
    successfulRuns: 'SuccessfulRuns',
    degradedRuns: 'DegradedRuns',
    collectMs: 'CollectMs',
    archiveMs: 'ArchiveMs',
    scoreMs: 'ScoreMs',
    actMs: 'ActMs',
  },
} as const;

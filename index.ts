/**
 * The library: one construct that adds container anomaly detection to a CDKTF
 * stack you own, and the schema its configuration is validated against.
 *
 * @example
 * import { ContainerAnomalyDetector } from 'container-anomaly-detector';
 * new ContainerAnomalyDetector(stack, 'anomaly-detector', { config: { name: 'prod', ... } });
 */
export { ContainerAnomalyDetector, type ContainerAnomalyDetectorProps } from './modules/container-anomaly-detector';
export type { DetectorKeys } from './modules/container-anomaly-detector/encryption-keys';
export {
  detectorConfigSchema,
  parseDetectorConfig,
  EnvironmentConfigError,
  type DetectorConfig,
  type DetectorConfigInput,
} from './environments/schema';

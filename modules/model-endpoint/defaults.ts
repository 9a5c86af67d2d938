/** Defaults for the Random Cut Forest endpoint. */
export const ENDPOINT_DEFAULTS = {
  /** SageMaker's built-in RCF image, resolved per region by the provider's data source. */
  imageRepository: 'randomcutforest',
  imageTag: '1',
  variantName: 'rcf',
} as const;

/**
 * Instance types with local NVMe instance storage reject a volume KMS key
 * (SageMaker encrypts that storage with a service key). Those are the `d`
 * variants (ml.m5d, ml.c5d, ml.g4dn, ml.p4d, ...) and the GPU families that
 * only come with instance storage.
 */
export function supportsVolumeKms(instanceType: string): boolean {
  const family = instanceType.split('.')[1] ?? '';
  if (/^[a-z]+\d+[a-z]*d[a-z]*$/.test(family)) return false;
  return !['g5', 'g6', 'g6e', 'p5', 'p5e', 'trn1', 'inf2'].includes(family);
}

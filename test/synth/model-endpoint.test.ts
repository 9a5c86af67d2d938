import { asArray, onlyResource, resourceAt, resourcesOf, statementsOf, synthEnvironment, synthVariant, type Statement } from '../support/synth';
import { SAGEMAKER_UNSCOPABLE_ACTIONS } from '../../modules/model-endpoint';
import { supportsVolumeKms } from '../../modules/model-endpoint/defaults';

describe('model endpoint', () => {
  const prod = synthEnvironment('prod');
  const dev = synthEnvironment('dev');

  it('uses the region’s built-in Random Cut Forest image from the provider’s data source, never a hard-coded registry', () => {
    const image = Object.values(prod.data!.aws_sagemaker_prebuilt_ecr_image)[0];
    expect(image).toMatchObject({ repository_name: 'randomcutforest', image_tag: '1' });
    const model = onlyResource(prod, 'aws_sagemaker_model');
    expect((model.primary_container as { image: string }).image).toMatch(/^\$\{data\.aws_sagemaker_prebuilt_ecr_image\.model_rcf-image_\w+\.registry_path\}$/);
    expect(JSON.stringify(prod)).not.toMatch(/\d{12}\.dkr\.ecr/);
  });

  it('runs the model network-isolated, from the artifact under the environment’s models/ prefix', () => {
    const model = onlyResource(prod, 'aws_sagemaker_model');
    expect(model.enable_network_isolation).toBe(true);
    expect((model.primary_container as { model_data_url: string }).model_data_url).toMatch(/^s3:\/\/\$\{aws_s3_bucket\.archive_\w+\.bucket\}\/models\/env=prod\/rcf-2026-11-01\/output\/model\.tar\.gz$/);
  });

  it('sizes the endpoint from config (ml.c5.xlarge ×2 in prod) with a KMS volume key where the instance allows it', () => {
    const config = onlyResource(prod, 'aws_sagemaker_endpoint_configuration');
    expect(config.production_variants).toEqual([expect.objectContaining({ instance_type: 'ml.c5.xlarge', initial_instance_count: 2, variant_name: 'rcf' })]);
    expect(String(config.kms_key_arn)).toMatch(/aws_kms_key\.archive-key_\w+\.arn/);
    expect(supportsVolumeKms('ml.c5.xlarge')).toBe(true);
    expect(supportsVolumeKms('ml.c5d.xlarge')).toBe(false);
    expect(supportsVolumeKms('ml.g4dn.xlarge')).toBe(false);
  });

  it('uses serverless capacity without a volume key when configured so', () => {
    const serverless = synthVariant('prod', (e) => ({ ...e, sagemaker: { capacity: { mode: 'serverless', memorySizeMb: 3072, maxConcurrency: 2 }, modelArtifactKey: e.sagemaker?.modelArtifactKey } }));
    const config = onlyResource(serverless, 'aws_sagemaker_endpoint_configuration');
    expect(config.production_variants).toEqual([expect.objectContaining({ serverless_config: { memory_size_in_mb: 3072, max_concurrency: 2 } })]);
    expect(config.kms_key_arn).toBeUndefined();
  });

  it('replaces the endpoint configuration and model before destroying the old ones, so the endpoint never goes down', () => {
    const config = onlyResource(prod, 'aws_sagemaker_endpoint_configuration');
    const model = onlyResource(prod, 'aws_sagemaker_model');
    expect(config.lifecycle).toEqual({ create_before_destroy: true });
    expect(model.lifecycle).toEqual({ create_before_destroy: true });
    const newer = synthVariant('prod', (e) => ({ ...e, sagemaker: { ...e.sagemaker, modelArtifactKey: 'models/env=prod/rcf-2026-12-01/output/model.tar.gz' } }));
    expect(onlyResource(newer, 'aws_sagemaker_endpoint_configuration').name).not.toBe(config.name);
    expect(String(onlyResource(prod, 'aws_sagemaker_endpoint').endpoint_config_name)).toMatch(/aws_sagemaker_endpoint_configuration\.model_config_\w+\.name/);
  });

  it('creates no model, configuration or endpoint without an artifact, but keeps the roles training needs', () => {
    expect(resourcesOf(dev, 'aws_sagemaker_endpoint')).toEqual([]);
    expect(resourceAt(dev, 'aws_iam_role', 'model/training-role').name).toBe('cad-dev-sagemaker-training');
    expect(resourceAt(dev, 'aws_iam_role', 'model/execution-role').name).toBe('cad-dev-sagemaker-execution');
  });

  it('lets the execution role read only the models prefix and pull the RCF image; the training role read training sets and write models', async () => {
    const exec = await statementsOf(resourceAt(prod, 'aws_iam_role_policy', 'model/execution-policy').policy);
    const train = await statementsOf(resourceAt(prod, 'aws_iam_role_policy', 'model/training-policy').policy);
    const bySid = (s: Statement[]) => Object.fromEntries(s.map((x) => [x.Sid, x]));
    expect(bySid(exec).ReadModelArtifacts).toMatchObject({ Action: ['s3:GetObject'], Resource: [expect.stringMatching(/\/models\/env=prod\/\*$/)] });
    expect(bySid(exec).PullRcfImage).toMatchObject({ Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: [expect.stringMatching(/:repository\/randomcutforest$/)] });
    expect(bySid(train).ReadTrainingSets.Resource).toEqual([expect.stringMatching(/\/training\/env=prod\/\*$/)]);
    expect(bySid(train).WriteModelArtifacts).toMatchObject({ Action: ['s3:GetObject', 's3:PutObject'], Resource: [expect.stringMatching(/\/models\/env=prod\/\*$/)] });
    for (const s of [...exec, ...train]) {
      for (const a of s.Action) expect(a).not.toMatch(/\*/);
      if (asArray(s.Resource).includes('*')) expect(s.Action.every((a) => SAGEMAKER_UNSCOPABLE_ACTIONS.includes(a))).toBe(true);
    }
    const [trust] = await statementsOf(resourceAt(prod, 'aws_iam_role', 'model/execution-role').assume_role_policy);
    expect(trust).toMatchObject({ Principal: { Service: 'sagemaker.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '210987654321' } } });
  });
});

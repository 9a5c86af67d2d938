import { decodeJsonAttribute, onlyResource, resourcesOf, synthEnvironment, type TfJson } from '../support/synth';
import { renderDetectorPolicy } from '../../modules/vault-secrets';

function vaultResources(json: TfJson): Array<[string, Record<string, unknown>]> {
  return Object.entries(json.resource)
    .filter(([type]) => type.startsWith('vault_'))
    .flatMap(([type, byId]) => Object.values(byId).map((r) => [type, r] as [string, Record<string, unknown>]));
}

describe('Vault secrets', () => {
  const dev = synthEnvironment('dev');
  const prod = synthEnvironment('prod');

  it('creates the KV v2 mount only when the environment asks for it', () => {
    expect(onlyResource(dev, 'vault_mount')).toMatchObject({ path: 'container-anomaly-dev', type: 'kv', options: { version: '2' } });
    expect(resourcesOf(prod, 'vault_mount')).toEqual([]);
  });

  it('declares the two secret paths with metadata only, and never deletes their versions', async () => {
    const metadata = resourcesOf(prod, 'vault_generic_endpoint');
    expect(metadata.map((m) => m.path).sort()).toEqual(['secret/metadata/container-anomaly/prod/dynatrace', 'secret/metadata/container-anomaly/prod/splunk']);
    for (const m of metadata) {
      expect(m.disable_delete).toBe(true);
      const body = (await decodeJsonAttribute(m.data_json)) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['custom_metadata', 'max_versions']);
      expect(body.max_versions).toBe(10);
      expect(body.custom_metadata).toMatchObject({ owner: 'container-anomaly-detector', environment: 'prod' });
    }
  });

  it('puts no secret value in any Vault resource, so none can reach Terraform state', () => {
    for (const json of [dev, prod]) {
      for (const [type, r] of vaultResources(json)) {
        expect(type).not.toMatch(/^vault_(kv_secret|kv_secret_v2|generic_secret)$/);
        const text = JSON.stringify(r);
        // JSON-valued attributes are jsonencode(...) expressions, where a key reads `\"data\" =`.
        expect(text).not.toMatch(/"data":|\\"data\\" =|"token"|\\"token\\"|"password"|\\"password\\"|"apiToken"|\\"apiToken\\"|data_json_wo/);
        expect(String(r.path ?? '')).not.toMatch(/\/data\//);
      }
    }
  });

  it('grants read on exactly the detector’s two secrets', () => {
    const policy = onlyResource(prod, 'vault_policy');
    expect(policy.name).toBe('cad-prod-detector-read');
    expect(policy.policy).toBe(renderDetectorPolicy('secret', ['container-anomaly/prod/splunk', 'container-anomaly/prod/dynatrace']));
    const rules = [...String(policy.policy).matchAll(/path "([^"]+)" \{\s+capabilities = \[([^\]]*)\]/g)].map((m) => [m[1], m[2]]);
    expect(rules).toEqual([
      ['secret/data/container-anomaly/prod/splunk', '"read"'],
      ['secret/data/container-anomaly/prod/dynatrace', '"read"'],
    ]);
  });

  it('binds the AWS auth role to the Lambda role ARN with a short-lived token and only that policy', () => {
    const role = onlyResource(prod, 'vault_aws_auth_backend_role');
    expect(role).toMatchObject({
      backend: 'aws',
      role: 'cad-prod-detector',
      auth_type: 'iam',
      token_ttl: 600,
      token_max_ttl: 1200,
      token_no_default_policy: true,
      resolve_aws_unique_ids: true,
    });
    expect(role.bound_iam_principal_arns).toEqual([expect.stringMatching(/^\$\{aws_iam_role\.detector_role_\w+\.arn\}$/)]);
    expect(role.token_policies).toEqual([expect.stringMatching(/vault_policy\.vault-secrets_policy_\w+\.name/)]);
  });
});

import { startBao, type Bao } from '../support/servers';
import { renderDetectorPolicy } from '../../modules/vault-secrets';
import { synthEnvironment, onlyResource } from '../support/synth';

/** The policy text exactly as the prod stack declares it, loaded into a real OpenBao. */
describe('the synthesized Vault policy, enforced by OpenBao', () => {
  let bao: Bao;
  let detectorToken: string;
  const prod = synthEnvironment('prod');
  const policyText = String(onlyResource(prod, 'vault_policy').policy);

  beforeAll(async () => {
    bao = await startBao();
    // prod uses the existing `secret` KV v2 mount, which dev mode provides.
    for (const path of ['container-anomaly/prod/splunk', 'container-anomaly/prod/dynatrace', 'container-anomaly/prod/other', 'container-anomaly/staging/splunk']) {
      await bao.api('POST', `secret/data/${path}`, { data: { token: `value-of-${path}` } });
    }
    expect((await bao.api('PUT', 'sys/policies/acl/cad-prod-detector-read', { policy: policyText })).status).toBe(204);
    const created = await bao.api('POST', 'auth/token/create', { policies: ['cad-prod-detector-read'], no_default_policy: true, ttl: '10m' });
    detectorToken = (created.body as { auth: { client_token: string } }).auth.client_token;
  }, 60_000);
  afterAll(async () => bao?.stop());

  it('is the policy the construct renders for prod', () => {
    expect(policyText).toBe(renderDetectorPolicy('secret', ['container-anomaly/prod/splunk', 'container-anomaly/prod/dynatrace']));
  });

  it.each(['container-anomaly/prod/splunk', 'container-anomaly/prod/dynatrace'])('grants read on %s', async (path) => {
    const res = await bao.api('GET', `secret/data/${path}`, undefined, detectorToken);
    expect(res.status).toBe(200);
    expect((res.body as { data: { data: { token: string } } }).data.data.token).toBe(`value-of-${path}`);
  });

  it.each([
    ['another secret of the same environment', 'GET', 'secret/data/container-anomaly/prod/other'],
    ['another environment’s secret', 'GET', 'secret/data/container-anomaly/staging/splunk'],
    ['writing its own secret', 'POST', 'secret/data/container-anomaly/prod/splunk'],
    ['reading metadata', 'GET', 'secret/metadata/container-anomaly/prod/splunk'],
    ['listing the mount', 'LIST', 'secret/metadata/container-anomaly/prod'],
  ])('denies %s', async (_what, method, path) => {
    const res = await bao.api(method, path, method === 'POST' ? { data: { token: 'x' } } : undefined, detectorToken);
    expect(res.status).toBe(403);
  });
});

/**
 * Vault auth methods: AWS IAM (production), a static token (local and tests),
 * and the Vault Lambda Extension's proxy.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';
import { VaultClient, type VaultAuthMethod, type VaultToken } from './client';

/** A token given to the process (`VAULT_TOKEN`). */
export class TokenAuth implements VaultAuthMethod {
  readonly name = 'token';
  constructor(private readonly token: string) {
    if (!token) throw new Error('Vault token auth needs a token (set VAULT_TOKEN)');
  }
  async login(): Promise<VaultToken> {
    // A static token is not ours to renew; the operator manages its lifetime.
    return { token: this.token, leaseSeconds: 0, renewable: false };
  }
}

/** The Vault Lambda Extension's local proxy authenticates requests itself. */
export class ExtensionAuth implements VaultAuthMethod {
  readonly name = 'extension';
  async login(): Promise<undefined> {
    return undefined;
  }
}

export interface AwsIamAuthOptions {
  /** Mount path of the AWS auth method, e.g. `aws`. */
  mount: string;
  role: string;
  /** Region of the STS endpoint the request is signed for (must match the auth backend's sts_region). */
  stsRegion: string;
  /** Value of the `X-Vault-AWS-IAM-Server-ID` header, when the backend requires one. */
  serverId?: string;
  credentials: AwsCredentialIdentityProvider;
  /** Signing time, injectable so tests can compare requests byte for byte. */
  now?: () => Date;
}

export const STS_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';

export interface SignedLogin {
  role: string;
  iam_http_request_method: 'POST';
  iam_request_url: string;
  iam_request_body: string;
  iam_request_headers: string;
}

/** Signs `sts:GetCallerIdentity` with the caller's credentials and packs it as Vault's login body. */
export async function signIamLogin(o: Omit<AwsIamAuthOptions, 'credentials' | 'mount'>, credentials: AwsCredentialIdentity): Promise<SignedLogin> {
  const hostname = `sts.${o.stsRegion}.amazonaws.com`;
  const headers: Record<string, string> = {
    host: hostname,
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  };
  if (o.serverId) headers['x-vault-aws-iam-server-id'] = o.serverId;
  const request: HttpRequest = { method: 'POST', protocol: 'https:', hostname, path: '/', query: {}, headers, body: STS_BODY };
  const signer = new SignatureV4({ service: 'sts', region: o.stsRegion, credentials, sha256: Sha256 });
  const signed = await signer.sign(request, { signingDate: o.now?.() ?? new Date() });
  // Vault expects each header as a list of values (Go's http.Header).
  const asLists = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k, [String(v)]]));
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return {
    role: o.role,
    iam_http_request_method: 'POST',
    iam_request_url: b64(`https://${hostname}/`),
    iam_request_body: b64(STS_BODY),
    iam_request_headers: b64(JSON.stringify(asLists)),
  };
}

export class AwsIamAuth implements VaultAuthMethod {
  readonly name = 'aws';
  constructor(private readonly options: AwsIamAuthOptions) {}

  async login(client: VaultClient): Promise<VaultToken> {
    const body = await signIamLogin(this.options, await this.options.credentials());
    const path = `auth/${this.options.mount}/login`;
    return VaultClient.tokenFrom(await client.send('POST', path, body), path);
  }
}

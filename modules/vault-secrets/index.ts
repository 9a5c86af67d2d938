import { Construct } from 'constructs';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { GenericEndpoint } from '@cdktf/provider-vault/lib/generic-endpoint';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { AwsAuthBackendRole } from '@cdktf/provider-vault/lib/aws-auth-backend-role';
import { jsonEncode } from '../encoding/json-encode';

export type DetectorSecret = 'splunk' | 'dynatrace';
export const DETECTOR_SECRETS: DetectorSecret[] = ['splunk', 'dynatrace'];

export interface VaultSecretsProps {
  readonly environment: string;
  /** KV v2 mount path. */
  readonly kvMount: string;
  /** Create the mount; false means it already exists. */
  readonly createKvMount: boolean;
  readonly pathPrefix: string;
  readonly awsAuthMount: string;
  readonly policyName: string;
  readonly authRoleName: string;
  /** The detector Lambda's role: the only principal that may log in as the auth role. */
  readonly lambdaRoleArn: string;
  readonly tokenTtlSeconds: number;
  readonly maxVersions: number;
  readonly namespace?: string;
}

/**
 * Renders the detector's Vault policy: read on exactly its two secrets, nothing
 * else. Pure, so the integration tests load the same text into OpenBao.
 */
export function renderDetectorPolicy(kvMount: string, secretPaths: string[]): string {
  return secretPaths
    .map((p) => `# ${p.split('/').pop()} credentials for the detector\npath "${kvMount}/data/${p}" {\n  capabilities = ["read"]\n}\n`)
    .join('\n');
}

/**
 * The detector's Vault side: the KV v2 mount (or an existing one), metadata of
 * the two secret paths, a read-only policy for them, and an AWS IAM auth role
 * bound to the Lambda's role. Secret values are never declared here, so none
 * can reach Terraform state: operators write them with `npm run rotate`.
 */
export class VaultSecrets extends Construct {
  public readonly policy: Policy;
  /** The policy's text, as `renderDetectorPolicy` wrote it. */
  public readonly policyText: string;
  public readonly policyName: string;
  public readonly secretPaths: Record<DetectorSecret, string>;
  public readonly authRole: AwsAuthBackendRole;

  constructor(scope: Construct, id: string, props: VaultSecretsProps) {
    super(scope, id);
    if (props.tokenTtlSeconds > 3600) throw new Error('VaultSecrets.tokenTtlSeconds: must be at most 3600 (short-lived tokens)');
    const mount = props.createKvMount
      ? new Mount(this, 'kv', {
          path: props.kvMount,
          type: 'kv',
          options: { version: '2' },
          description: `Container anomaly detector secrets (${props.environment})`,
          namespace: props.namespace,
        })
      : undefined;
    const mountPath = mount ? mount.path : props.kvMount;

    this.secretPaths = { splunk: `${props.pathPrefix}/splunk`, dynatrace: `${props.pathPrefix}/dynatrace` };
    for (const secret of DETECTOR_SECRETS) {
      // Writes only the metadata endpoint: versions to keep and ownership, never data.
      new GenericEndpoint(this, `${secret}-metadata`, {
        path: `${mountPath}/metadata/${this.secretPaths[secret]}`,
        dataJson: jsonEncode({
          max_versions: props.maxVersions,
          custom_metadata: { owner: 'container-anomaly-detector', environment: props.environment, secret },
        }),
        // Deleting metadata destroys every version; a `terraform destroy` must never do that.
        disableDelete: true,
        ignoreAbsentFields: true,
        namespace: props.namespace,
      });
    }

    this.policyText = renderDetectorPolicy(mountPath, DETECTOR_SECRETS.map((s) => this.secretPaths[s]));
    this.policy = new Policy(this, 'policy', {
      name: props.policyName,
      policy: this.policyText,
      namespace: props.namespace,
    });
    this.policyName = this.policy.name;

    this.authRole = new AwsAuthBackendRole(this, 'auth-role', {
      backend: props.awsAuthMount,
      role: props.authRoleName,
      authType: 'iam',
      boundIamPrincipalArns: [props.lambdaRoleArn],
      tokenPolicies: [this.policy.name],
      tokenTtl: props.tokenTtlSeconds,
      tokenMaxTtl: props.tokenTtlSeconds * 2,
      tokenNoDefaultPolicy: true,
      resolveAwsUniqueIds: true,
      namespace: props.namespace,
    });
  }
}

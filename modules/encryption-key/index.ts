import { Construct } from 'constructs';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { policyDocument, PolicyStatement } from '../iam/policy-document';

/** An AWS service that must use the key on the account's behalf (e.g. CloudWatch Logs). */
export interface KeyServiceGrant {
  /** Service principal, e.g. `events.amazonaws.com`. */
  readonly service: string;
  readonly actions: string[];
  readonly condition?: PolicyStatement['Condition'];
}

export interface EncryptionKeyProps {
  /** Alias without the `alias/` prefix. */
  readonly alias: string;
  readonly description: string;
  readonly accountId: string;
  readonly partition?: string;
  readonly serviceGrants?: KeyServiceGrant[];
  /** Days before a scheduled deletion completes. */
  readonly deletionWindowDays?: number;
}

/**
 * A customer-managed KMS key with yearly rotation. Its policy delegates to IAM
 * for the account (so role policies decide who may use it) and adds only the
 * service grants a resource needs.
 */
export class EncryptionKey extends Construct {
  public readonly key: KmsKey;
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    if (!/^[a-zA-Z0-9/_-]+$/.test(props.alias)) throw new Error(`EncryptionKey.alias: invalid alias ${props.alias}`);
    const partition = props.partition ?? 'aws';
    const statements: PolicyStatement[] = [
      {
        Sid: 'AccountAdministersViaIam',
        Effect: 'Allow',
        Principal: { AWS: `arn:${partition}:iam::${props.accountId}:root` },
        Action: ['kms:*'],
        Resource: '*',
      },
      ...(props.serviceGrants ?? []).map((g, i) => ({
        Sid: `Service${i}${g.service.split('.')[0].replace(/[^A-Za-z0-9]/g, '')}`,
        Effect: 'Allow' as const,
        Principal: { Service: g.service },
        Action: g.actions,
        Resource: '*',
        ...(g.condition ? { Condition: g.condition } : {}),
      })),
    ];
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? 30,
      policy: policyDocument(statements),
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}

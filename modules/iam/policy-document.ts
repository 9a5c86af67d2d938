/**
 * IAM policy documents as typed objects, rendered as Terraform `jsonencode(...)`
 * so resource references inside them stay expressions in both the JSON and the
 * HCL output (see ../encoding/json-encode.ts).
 */
import { jsonEncode } from '../encoding/json-encode';

export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  /** Absent only in trust policies. */
  Resource?: string | string[];
  Principal?: '*' | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export function policyDocument(statements: PolicyStatement[]): string {
  const doc: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  return jsonEncode(doc);
}

/** Trust policy letting one AWS service assume a role, optionally only from this account. */
export function serviceTrustPolicy(service: string, accountId?: string): string {
  return policyDocument([
    {
      Sid: 'AssumedByService',
      Effect: 'Allow',
      Action: ['sts:AssumeRole'],
      Principal: { Service: service },
      ...(accountId ? { Condition: { StringEquals: { 'aws:SourceAccount': accountId } } } : {}),
    },
  ]);
}

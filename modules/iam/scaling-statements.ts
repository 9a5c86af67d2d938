/**
 * The detector's permissions on ECS and Application Auto Scaling: exactly the
 * configured services, and only their ECS service scalable targets.
 */
import type { PolicyStatement } from './policy-document';

export interface ScalingAccess {
  /** `arn:<partition>:ecs:<region>:<account>:service/<cluster>/<service>`, one per configured service. */
  readonly ecsServiceArns: readonly string[];
  /** Set when the services' scalable targets carry this tag: RegisterScalableTarget is then limited to them. */
  readonly scalableTargetTag?: { key: string; value: string };
}

/** ECS's own rule for cluster and service names; a wildcard would widen the statement to other services. */
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Refuses a service ARN whose cluster or service part is not a plain ECS name (a `*`, a `?`, a path). */
export function checkServiceArns(arns: readonly string[]): void {
  if (arns.length === 0) throw new Error('DetectorFunction.access.ecsServiceArns: must list at least one service the detector may scale');
  for (const arn of arns) {
    const [kind, cluster, service, ...rest] = arn.slice(arn.lastIndexOf(':') + 1).split('/');
    if (kind !== 'service' || rest.length > 0 || !ECS_NAME.test(cluster ?? '') || !ECS_NAME.test(service ?? '')) {
      throw new Error(`DetectorFunction.access.ecsServiceArns: ${arn} must end in service/<cluster>/<service> with plain ECS names (no wildcards)`);
    }
  }
}

export function scalingStatements(access: ScalingAccess, region: string, accountId: string, partition: string): PolicyStatement[] {
  checkServiceArns(access.ecsServiceArns);
  const tag = access.scalableTargetTag;
  return [
    {
      Sid: 'ScaleAllowListedServices',
      Effect: 'Allow',
      Action: ['ecs:DescribeServices', 'ecs:UpdateService'],
      Resource: [...access.ecsServiceArns],
    },
    {
      // Scalable target ARNs end in a random id, and IAM has no condition key for the
      // target's resource id, so a statement cannot name one service's target. It is
      // narrowed instead with the condition keys Application Auto Scaling documents
      // for RegisterScalableTarget (Service Authorization Reference, "Actions, resources,
      // and condition keys for AWS Application Auto Scaling":
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsapplicationautoscaling.html):
      // ECS services' desired count only, and with a tag, only the tagged targets
      // ("ABAC with Application Auto Scaling").
      Sid: 'RaiseAutoScalingMinimum',
      Effect: 'Allow',
      Action: ['application-autoscaling:RegisterScalableTarget'],
      Resource: [`arn:${partition}:application-autoscaling:${region}:${accountId}:scalable-target/*`],
      Condition: {
        StringEquals: {
          'application-autoscaling:service-namespace': 'ecs',
          'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
          ...(tag ? { [`aws:ResourceTag/${tag.key}`]: tag.value } : {}),
        },
      },
    },
  ];
}

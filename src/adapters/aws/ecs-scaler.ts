/** ECS services through DescribeServices/UpdateService, and their Application Auto Scaling targets. */
import { DescribeServicesCommand, UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
} from '@aws-sdk/client-application-auto-scaling';
import type { ServiceScaler, ServiceState } from '../../pipeline/ports';

const DIMENSION = 'ecs:service:DesiredCount';
const resourceId = (cluster: string, service: string) => `service/${cluster}/${service}`;

export class EcsScaler implements ServiceScaler {
  constructor(
    private readonly ecs: ECSClient,
    private readonly autoScaling: ApplicationAutoScalingClient,
  ) {}

  async describe(cluster: string, service: string): Promise<ServiceState> {
    const res = await this.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const found = res.services?.find((s) => s.serviceName === service || s.serviceArn?.endsWith(`/${service}`));
    if (!found) {
      const reason = res.failures?.map((f) => f.reason).join(', ') || 'not found';
      throw new Error(`ECS service ${cluster}/${service}: ${reason}`);
    }
    const targets = await this.autoScaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId(cluster, service)], ScalableDimension: DIMENSION }),
    );
    const target = targets.ScalableTargets?.[0];
    return {
      desiredCount: found.desiredCount ?? 0,
      runningCount: found.runningCount ?? 0,
      autoScaling: target && target.MinCapacity !== undefined && target.MaxCapacity !== undefined
        ? { minCapacity: target.MinCapacity, maxCapacity: target.MaxCapacity }
        : undefined,
    };
  }

  async setDesiredCount(cluster: string, service: string, desiredCount: number): Promise<void> {
    await this.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount }));
  }

  /**
   * Updates only the target's minimum. "To update a scalable target, specify
   * the parameters that you want to change ... Any parameters that you don't
   * specify are not changed" (Application Auto Scaling API Reference,
   * RegisterScalableTarget), so the owner's maximum is never rewritten.
   */
  async setMinCapacity(cluster: string, service: string, minCapacity: number): Promise<void> {
    await this.autoScaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ResourceId: resourceId(cluster, service),
        ScalableDimension: DIMENSION,
        MinCapacity: minCapacity,
      }),
    );
  }
}

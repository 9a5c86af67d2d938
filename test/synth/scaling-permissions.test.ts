/** The detector's ECS and Application Auto Scaling permissions, and the schedule's checks, as synthesized. */
import { Testing, TerraformStack } from 'cdktf';
import { resourceAt, statementsOf, synthEnvironment, synthVariant } from '../support/synth';
import { scalingStatements } from '../../modules/iam/scaling-statements';
import { Schedule } from '../../modules/schedule';

const bySid = async (json: ReturnType<typeof synthEnvironment>) =>
  Object.fromEntries((await statementsOf(resourceAt(json, 'aws_iam_role_policy', 'detector/policy').policy)).map((s) => [s.Sid, s]));
const documentedConditions = { 'application-autoscaling:service-namespace': 'ecs', 'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount' };

describe('scaling permissions', () => {
  // Defect 5: RegisterScalableTarget on scalable-target/* with no condition reached every target of every service.
  it('narrows RegisterScalableTarget to ECS services\' desired count with the documented condition keys', async () => {
    expect((await bySid(synthEnvironment('prod'))).RaiseAutoScalingMinimum).toEqual({
      Sid: 'RaiseAutoScalingMinimum', Effect: 'Allow', Action: ['application-autoscaling:RegisterScalableTarget'],
      Resource: ['arn:${data.aws_partition.partition.partition}:application-autoscaling:eu-west-1:210987654321:scalable-target/*'],
      Condition: { StringEquals: documentedConditions },
    });
  });

  it('adds a resource tag condition when the environment says its targets are tagged', async () => {
    const tagged = synthVariant('prod', (e) => ({ ...e, ecs: { ...e.ecs, scalableTargetTag: { key: 'cad-scalable', value: 'prod' } } }));
    expect((await bySid(tagged)).RaiseAutoScalingMinimum.Condition).toEqual({ StringEquals: { ...documentedConditions, 'aws:ResourceTag/cad-scalable': 'prod' } });
  });

  it('names each configured service in its own cluster, never a wildcard', async () => {
    const resources = [(await bySid(synthEnvironment('dev'))).ScaleAllowListedServices.Resource].flat();
    expect(resources).toEqual([expect.stringMatching(/:service\/apps-dev\/checkout-api$/), expect.stringMatching(/:service\/apps-dev\/catalog-api$/)]);
    for (const r of resources) expect(r).not.toMatch(/[*?]/);
  });

  it.each(['arn:aws:ecs:eu-west-1:1:service/apps-dev/*', 'arn:aws:ecs:eu-west-1:1:service/*/api', 'arn:aws:ecs:eu-west-1:1:service/apps/a/b', 'arn:aws:ecs:eu-west-1:1:task/apps/api'])(
    'refuses to build a statement on %s',
    (arn) => {
      expect(() => scalingStatements({ ecsServiceArns: [arn] }, 'eu-west-1', '1', 'aws')).toThrow(/must end in service\/<cluster>\/<service> with plain ECS names/);
    },
  );
});

describe('schedule construct', () => {
  const props = { ruleName: 'r', functionName: 'f', functionArn: 'arn:f', deadLetterQueueArn: 'arn:q', deadLetterQueueUrl: 'https://q' };
  const build = (expression: string, timeoutSeconds?: number) => new Schedule(new TerraformStack(Testing.app(), 's'), 'schedule', { ...props, expression, timeoutSeconds });

  it('rejects an expression EventBridge would reject, and a timeout as long as the shortest interval', () => {
    expect(() => build('rate(5 minute)')).toThrow('rate(5 minute): a value above 1 takes the plural unit');
    expect(() => build('cron(0/4 * * * ? *)', 240)).toThrow("Schedule.timeoutSeconds: 240 s must be shorter than the schedule's shortest interval (240 s)");
    expect(() => build('cron(0/5 * * * ? *)', 240)).not.toThrow();
  });
});

import { EnvironmentConfigError, parseEnvironment, type EnvironmentInput } from '../../../environments/schema';
import { shortestIntervalSeconds } from '../../../modules/schedule/expression';
import dev from '../../../environments/dev';

// The dev environment, acting on one service, as the base every case changes one field of.
const valid: EnvironmentInput = { ...dev, ecs: { clusterName: 'apps-prod', services: [{ name: 'checkout-api', minTasks: 1, maxTasks: 4 }] } };
const problemsOf = (input: EnvironmentInput): string[] => {
  try {
    parseEnvironment(input, 'dev');
    return [];
  } catch (e) {
    if (e instanceof EnvironmentConfigError) return e.problems;
    throw e;
  }
};

describe('ECS names', () => {
  // Defect 5: a service or cluster named `*` synthesized ecs:UpdateService on service/apps-dev/*.
  it.each(['*', 'checkout-*', 'api?', 'apps/prod', 'a b', 'x'.repeat(256), ''])('rejects %j as a service or cluster name', (bad) => {
    expect(problemsOf({ ...valid, ecs: { ...valid.ecs, services: [{ name: bad, minTasks: 1, maxTasks: 2 }] } })).toEqual([
      'dev.ecs.services[0].name: must be 1-255 letters, numbers, hyphens or underscores, as ECS names are (no wildcards)',
    ]);
    expect(problemsOf({ ...valid, ecs: { ...valid.ecs, clusterName: bad } })[0]).toMatch(/^dev\.ecs\.clusterName: must be 1-255 letters/);
  });

  it('accepts what ECS accepts', () => {
    expect(problemsOf({ ...valid, ecs: { clusterName: 'Apps_Prod-2', services: [{ name: 'x'.repeat(255), minTasks: 1, maxTasks: 2 }] } })).toEqual([]);
  });
});

describe('schedule expressions', () => {
  it.each([
    ['rate(1 minute)', 60],
    ['rate(5 minutes)', 300],
    ['rate(1 hour)', 3600],
    ['rate(2 days)', 172_800],
    ['cron(0/15 * * * ? *)', 900],
    ['cron(0/15 8-18 ? * MON-FRI *)', 900],
    ['cron(0,10,45 * * * ? *)', 600],
    // 23:59 and 00:59: an hour apart across midnight.
    ['cron(59 23,0 * * ? *)', 3600],
    ['cron(0 10 * * ? *)', 86_400],
    ['cron(15 12 L * ? 2026-2030)', 86_400],
    ['cron(0 8 ? JAN-MAR 2#1 *)', 86_400],
  ])('reads %s as EventBridge does: shortest interval %i s', (expression, seconds) => {
    expect(shortestIntervalSeconds(expression)).toBe(seconds);
  });

  // Defect 9: rate(5 minute) passed validation; EventBridge wants `minutes`.
  it.each([
    ['rate(5 minute)', 'a value above 1 takes the plural unit, e.g. rate(5 minutes)'],
    ['rate(1 minutes)', 'a value of 1 takes the singular unit, e.g. rate(1 minute)'],
    ['rate(0 minutes)', 'the value must be a positive whole number'],
    ['rate(5 seconds)', 'must be rate(<value> <unit>)'],
    ['cron(0/5 * * * *)', 'must have six fields'],
    ['cron(0/5 * * * * *)', 'exactly one of Day-of-month and Day-of-week must be ?'],
    ['cron(0/5 * ? * ? *)', 'exactly one of Day-of-month and Day-of-week must be ?'],
    ['cron(61 * * * ? *)', 'Minutes value 61: must be 0-59'],
    ['cron(0 10 * FOO ? *)', 'Month value FOO: must be 1-12 or JAN-DEC'],
    ['cron(0 10 * * ? 1900)', 'Year value 1900: must be 1970-2199'],
    ['every 5 minutes', 'must be rate(...) or cron(...)'],
  ])('rejects %s, saying why', (expression, problem) => {
    expect(problemsOf({ ...valid, schedule: { expression } })).toEqual([expect.stringContaining(problem)]);
  });

  // Defect 9: a cron schedule firing faster than the timeout passed validation.
  it('checks the timeout against the shortest interval of a cron schedule too', () => {
    expect(problemsOf({ ...valid, schedule: { expression: 'cron(0/2 * * * ? *)' }, lambda: { timeoutSeconds: 240 } })).toEqual([
      "dev.lambda.timeoutSeconds: must be shorter than the schedule's shortest interval (120 s), so runs never overlap",
    ]);
    expect(problemsOf({ ...valid, schedule: { expression: 'cron(0,3 * * * ? *)' }, lambda: { timeoutSeconds: 240 } })).toEqual([
      "dev.lambda.timeoutSeconds: must be shorter than the schedule's shortest interval (180 s), so runs never overlap",
    ]);
    expect(problemsOf({ ...valid, schedule: { expression: 'cron(0/5 * * * ? *)' }, lambda: { timeoutSeconds: 240 } })).toEqual([]);
  });
});

describe('scalable target tag', () => {
  it('accepts an optional tag that IAM will require on the targets', () => {
    expect(parseEnvironment({ ...valid, ecs: { ...valid.ecs, scalableTargetTag: { key: 'cad:scalable', value: 'true' } } }, 'dev').ecs.scalableTargetTag).toEqual({ key: 'cad:scalable', value: 'true' });
    expect(problemsOf({ ...valid, ecs: { ...valid.ecs, scalableTargetTag: { key: '', value: 'x' } } })).toEqual(['dev.ecs.scalableTargetTag.key: must be a valid tag key']);
  });
});

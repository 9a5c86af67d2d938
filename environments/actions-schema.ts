/**
 * The environment rules for actions: which ECS names may be scaled, the
 * schedule, and how the function's timeout fits it. Imported by `schema.ts`.
 */
import { z } from 'zod';
import { ScheduleExpressionError, shortestIntervalSeconds } from '../modules/schedule/expression';

/**
 * An ECS cluster or service name as ECS accepts it: "Up to 255 letters
 * (uppercase and lowercase), numbers, underscores, and hyphens are allowed"
 * (Amazon ECS API Reference, CreateCluster `clusterName`, CreateService
 * `serviceName`). Anything else, a `*` above all, would widen the IAM policy
 * built from it.
 */
export const ecsName = z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be 1-255 letters, numbers, hyphens or underscores, as ECS names are (no wildcards)');

/** A schedule expression EventBridge accepts (see `modules/schedule/expression.ts`). */
export const scheduleExpression = z.string().superRefine((expression, ctx) => {
  try {
    shortestIntervalSeconds(expression);
  } catch (e) {
    if (!(e instanceof ScheduleExpressionError)) throw e;
    ctx.addIssue({ code: 'custom', message: e.message });
  }
});

/**
 * When the auto-scaling targets of the scaled services carry this tag, the
 * RegisterScalableTarget permission is limited to targets with it
 * (`aws:ResourceTag/<key>`): the only way IAM can tell one ECS target from another.
 */
export const scalableTargetTag = z.strictObject({
  key: z.string().regex(/^[\w.:/=+@ -]{1,128}$/, 'must be a valid tag key'),
  value: z.string().regex(/^[\w.:/=+@ -]{0,256}$/, 'must be a valid tag value'),
});

/** The function must finish before the schedule can start the next run, so runs never overlap. */
export function checkTimeoutFitsSchedule(
  env: { schedule: { expression: string }; lambda: { timeoutSeconds: number } },
  ctx: { addIssue(issue: { code: 'custom'; path: PropertyKey[]; message: string }): void },
): void {
  let interval: number;
  try {
    interval = shortestIntervalSeconds(env.schedule.expression);
  } catch {
    return; // reported on schedule.expression
  }
  if (interval <= env.lambda.timeoutSeconds) {
    ctx.addIssue({
      code: 'custom',
      path: ['lambda', 'timeoutSeconds'],
      message: `must be shorter than the schedule's shortest interval (${interval} s), so runs never overlap`,
    });
  }
}

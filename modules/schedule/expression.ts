/**
 * EventBridge schedule expressions, checked as EventBridge parses them
 * (Amazon EventBridge User Guide, "Using cron and rate expressions to schedule
 * rules": https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html),
 * so a typo fails synth instead of `terraform apply`, and the shortest time
 * between two runs is known (the function's timeout must be shorter).
 */

export class ScheduleExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleExpressionError';
  }
}

const UNIT_MINUTES: Record<string, number> = { minute: 1, hour: 60, day: 1440 };

/**
 * "rate(value unit)": a positive whole value; "If the value is equal to 1,
 * then the unit must be singular. If the value is greater than 1, the unit
 * must be plural" (rate(1 hours) and rate(5 hour) are invalid).
 */
function rateMinutes(body: string): number {
  const m = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!m) throw new ScheduleExpressionError(`rate(${body}): must be rate(<value> <unit>) with unit minute(s), hour(s) or day(s)`);
  const value = Number(m[1]);
  const unit = m[2];
  if (value < 1) throw new ScheduleExpressionError(`rate(${body}): the value must be a positive whole number`);
  const plural = unit.endsWith('s');
  if (value === 1 && plural) throw new ScheduleExpressionError(`rate(${body}): a value of 1 takes the singular unit, e.g. rate(1 ${unit.slice(0, -1)})`);
  if (value > 1 && !plural) throw new ScheduleExpressionError(`rate(${body}): a value above 1 takes the plural unit, e.g. rate(${value} ${unit}s)`);
  return value * UNIT_MINUTES[plural ? unit.slice(0, -1) : unit];
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Extra single tokens this field accepts besides numbers, ranges, steps and lists. */
  special?: RegExp;
}

// The six fields and what each accepts ("Field / Values / Wildcards" table).
const FIELDS: readonly FieldSpec[] = [
  { name: 'Minutes', min: 0, max: 59 },
  { name: 'Hours', min: 0, max: 23 },
  { name: 'Day-of-month', min: 1, max: 31, special: /^(\?|L|LW|\d{1,2}W)$/ },
  { name: 'Month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'Day-of-week', min: 1, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], special: /^(\?|L|[1-7]L|[1-7]#[1-5]|(SUN|MON|TUE|WED|THU|FRI|SAT)#[1-5])$/ },
  { name: 'Year', min: 1970, max: 2199 },
];

function valueOf(token: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(token.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + spec.min : /^\d+$/.test(token) ? Number(token) : NaN;
  if (!(n >= spec.min && n <= spec.max)) throw new ScheduleExpressionError(`${spec.name} value ${token}: must be ${spec.min}-${spec.max}${spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : ''}`);
  return n;
}

/** The values one list item (`*`, `n`, `a-b`, with an optional `/step`) selects. */
function expandItem(item: string, spec: FieldSpec): number[] {
  const [range, stepText, extra] = item.split('/');
  if (extra !== undefined || range === '') throw new ScheduleExpressionError(`${spec.name} ${item}: not a value, range or increment`);
  const step = stepText === undefined ? 1 : Number(stepText);
  if (!Number.isInteger(step) || step < 1) throw new ScheduleExpressionError(`${spec.name} ${item}: the increment must be a positive whole number`);
  let from: number;
  let to: number;
  if (range === '*') [from, to] = [spec.min, spec.max];
  else if (range.includes('-')) {
    const [a, b] = range.split('-');
    [from, to] = [valueOf(a, spec), valueOf(b, spec)];
    if (from > to) throw new ScheduleExpressionError(`${spec.name} ${item}: the range must run upwards`);
  } else {
    from = valueOf(range, spec);
    // `n/step` runs from n to the end of the field; a plain `n` is just n.
    to = stepText === undefined ? from : spec.max;
  }
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

function expandField(text: string, spec: FieldSpec): number[] | 'special' {
  if (spec.special?.test(text.toUpperCase())) return 'special';
  const values = new Set<number>();
  for (const item of text.split(',')) for (const v of expandItem(item, spec)) values.add(v);
  return [...values].sort((a, b) => a - b);
}

/**
 * "cron(Minutes Hours Day-of-month Month Day-of-week Year)": six fields, and
 * "You can't specify the Day-of-month and Day-of-week fields in the same cron
 * expression. If you specify a value or a * in one of the fields, you must use
 * a ? in the other." Returns the shortest gap between two firings in minutes,
 * from the minutes and hours (the day fields only ever lengthen it, so the gap
 * across midnight is counted as if every day fired).
 */
function cronMinutes(body: string): number {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw new ScheduleExpressionError(`cron(${body}): must have six fields (Minutes Hours Day-of-month Month Day-of-week Year), has ${fields.length}`);
  const [dom, dow] = [fields[2], fields[4]];
  if ((dom === '?') === (dow === '?')) throw new ScheduleExpressionError(`cron(${body}): exactly one of Day-of-month and Day-of-week must be ?`);
  const expanded = fields.map((f, i) => expandField(f, FIELDS[i]));
  const [minutes, hours] = expanded as [number[], number[]];
  const times = hours.flatMap((h) => minutes.map((m) => h * 60 + m)).sort((a, b) => a - b);
  let shortest = 1440 - times[times.length - 1] + times[0];
  for (let i = 1; i < times.length; i++) shortest = Math.min(shortest, times[i] - times[i - 1]);
  return shortest;
}

/**
 * Parses a schedule expression and returns the shortest time between two runs
 * in seconds; throws {@link ScheduleExpressionError} saying what EventBridge
 * would reject.
 *
 * @example
 * shortestIntervalSeconds('rate(5 minutes)'); // 300
 * shortestIntervalSeconds('cron(0/15 8-18 ? * MON-FRI *)'); // 900
 */
export function shortestIntervalSeconds(expression: string): number {
  const m = /^(rate|cron)\((.*)\)$/.exec(expression);
  if (!m) throw new ScheduleExpressionError(`${expression}: must be rate(...) or cron(...)`);
  return 60 * (m[1] === 'rate' ? rateMinutes(m[2]) : cronMinutes(m[2]));
}

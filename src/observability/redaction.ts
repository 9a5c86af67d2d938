/**
 * Remembers every secret value the process has read and removes it from
 * anything about to be logged. The Vault provider registers values as it reads
 * them, so a credential echoed back in an error body never reaches the logs.
 */
export const REDACTED = '***';
/** Shorter values would redact ordinary words; no real credential is this short. */
const MIN_SECRET_LENGTH = 6;

export class SecretRedactor {
  private readonly secrets = new Set<string>();

  register(value: string): void {
    if (value.length >= MIN_SECRET_LENGTH) this.secrets.add(value);
  }

  registerAll(values: Iterable<string>): void {
    for (const v of values) this.register(v);
  }

  redactText(text: string): string {
    let out = text;
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }

  /** Deep copy of `value` with every registered secret replaced; errors become plain objects. */
  redact<T>(value: T): T {
    return this.walk(value, new WeakSet()) as T;
  }

  private walk(value: unknown, seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    if (value instanceof Error) {
      return { name: value.name, message: this.redactText(value.message), stack: value.stack ? this.redactText(value.stack) : undefined };
    }
    if (Array.isArray(value)) return value.map((v) => this.walk(v, seen));
    if (value instanceof Date) return value.toISOString();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.walk(v, seen)]));
  }
}

/** One redactor per process: secrets read in any invocation stay redacted in every later one. */
export const processRedactor = new SecretRedactor();

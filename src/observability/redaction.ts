/**
 * Remembers every secret value the process has read and removes it from
 * anything about to be written out. The Vault provider registers values as it
 * reads them (current and previous versions), so a credential echoed back by
 * an upstream gateway never reaches a log line, an error, an archive or an alert.
 *
 * Two layers:
 * - known values, in every form a credential travels in: raw, base64 (also of
 *   `user:password`, as Basic auth sends it), URL-encoded, JSON-escaped and
 *   HTML-escaped;
 * - shapes, for credentials this process never read (another sandbox's token,
 *   the Vault token a gateway echoes): `Authorization`-style headers, Dynatrace
 *   tokens, JWTs, tokens in query strings.
 *
 * Callers must redact whole texts: cutting first can leave half a secret that
 * neither layer recognises any more (see `excerpt`).
 */
export const REDACTED = '***';
/** Shorter values would redact ordinary words; no real credential is this short. */
const MIN_SECRET_LENGTH = 6;

/**
 * Credential shapes. Character classes stop at quotes, backslashes and
 * delimiters so a replacement never eats the JSON or HTML around it.
 */
const SHAPES: ReadonlyArray<readonly [RegExp, string]> = [
  // Header name, separator (`: `, `":"`, `=`, PHP's `[HTTP_AUTHORIZATION] => `), optional scheme, credential.
  [/((?:proxy-)?authorization|x-vault-token|x-splunk-token|cookie|api-token)(["']?\]?\s*(?:=>|[:=])\s*["']?)(?:(?:basic|bearer|splunk|api-token)\s+)?[^\s"'\\,;&<>]+/gi, `$1$2${REDACTED}`],
  // Query-string credentials: Dynatrace accepts `Api-Token=` (Dynatrace API, "Tokens and authentication").
  [/([?&;](?:api[-_]?token|access[-_]?token|token|apikey|api[-_]?key|password|passwd|secret|signature|sig)=)[^&\s"'\\#<>]+/gi, `$1${REDACTED}`],
  // Dynatrace token: prefix, 24-character public portion, 64-character secret portion
  // (https://docs.dynatrace.com/docs/shortlink/api-authentication, "Token format"); matched loosely.
  [/\bdt0[a-z]\d{2}\.[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)?/g, REDACTED],
  // JWT: base64url header and payload (both start with `{"` → `eyJ`), then the signature.
  [/\beyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
];

const jsonEscaped = (s: string) => JSON.stringify(s).slice(1, -1);
const htmlEscaped = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Every form `value` may appear in. Base64 twice: whole (with padding), and its
 * first whole 3-byte groups, whose characters stay the same when the value sits
 * inside a longer base64 text (the last group's would not).
 */
export function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = [bytes.toString('base64'), bytes.subarray(0, bytes.length - (bytes.length % 3)).toString('base64')];
  const base64url = base64.map((f) => f.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
  // JSON twice: an upstream's JSON error body quoted inside a JSON log line or archive record.
  return [value, ...base64, ...base64url, encodeURIComponent(value), jsonEscaped(value), jsonEscaped(jsonEscaped(value)), htmlEscaped(value)];
}

export class SecretRedactor {
  private readonly forms = new Set<string>();
  /** Longest first, so a form that contains another (or its escaped variant) is replaced whole. */
  private ordered: string[] = [];

  /** Registers one value in all its encoded forms. */
  register(value: string): void {
    if (value.length < MIN_SECRET_LENGTH) return;
    this.add(encodedForms(value));
  }

  registerAll(values: Iterable<string>): void {
    for (const v of values) this.register(v);
  }

  /**
   * Registers a secret's values, plus `user:password` as Basic auth encodes it
   * (its base64 shares no substring with the password's own base64). The
   * username alone is an identifier, not a credential, and often a plain word
   * (`splunk`, `admin`): redacting it everywhere would corrupt the archive's
   * own fields, so it is redacted only inside the Basic credential.
   */
  registerSecret(data: Readonly<Record<string, string>>): void {
    this.registerAll(Object.entries(data).filter(([key]) => key !== 'username').map(([, value]) => value));
    if (data.username !== undefined && data.password) this.add(encodedForms(`${data.username}:${data.password}`));
  }

  redactText(text: string): string {
    let out = text;
    for (const s of this.ordered) if (out.includes(s)) out = out.split(s).join(REDACTED);
    for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
    return out;
  }

  /**
   * Masks known values in binary data in place of the same length (so a length-prefixed
   * layout stays readable); returns the input itself when nothing matched.
   */
  redactBytes(bytes: Uint8Array): Uint8Array {
    let out: Buffer | undefined;
    for (const s of this.ordered) {
      const needle = Buffer.from(s, 'utf8');
      const view = out ?? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let at = view.indexOf(needle);
      if (at < 0) continue;
      out ??= Buffer.from(bytes);
      for (; at >= 0; at = out.indexOf(needle, at + needle.length)) out.fill(0x2a, at, at + needle.length);
    }
    return out ?? bytes;
  }

  /** Deep copy of `value` with every secret replaced; errors become plain objects. */
  redact<T>(value: T): T {
    return this.walk(value, new WeakSet()) as T;
  }

  private add(forms: Iterable<string>): void {
    for (const f of forms) if (f.length >= MIN_SECRET_LENGTH) this.forms.add(f);
    this.ordered = [...this.forms].sort((a, b) => b.length - a.length);
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
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redactText(k), this.walk(v, seen)]));
  }
}

/** One redactor per process: secrets read in any invocation stay redacted in every later one. */
export const processRedactor = new SecretRedactor();

/** At most `limit` characters of an already-redacted text, marked when cut. */
export function excerpt(redacted: string, limit: number): string {
  const folded = redacted.replace(/\s+/g, ' ').trim();
  return folded.length <= limit ? folded : `${folded.slice(0, limit - 1)}…`;
}

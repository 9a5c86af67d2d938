/**
 * JSON-valued attributes (IAM and resource policies, the dashboard body, the
 * function's environment, Vault metadata) rendered as Terraform's
 * `jsonencode(...)`, so they stay valid in both outputs: a JSON.stringify'd
 * string holding resource references is written by `cdktf synth --hcl` with its
 * inner quotes unescaped, which no HCL parser accepts.
 */
import { Fn } from 'cdktf';

/**
 * CDKTF 0.21's `Fn.jsonencode` copies string literals into the HCL expression
 * as they are: a quote, backslash, newline or `%{` in a value (an SPL search,
 * a Dynatrace selector) would end the literal or open a template directive.
 * Escaped here per the HCL native syntax specification, "Template Literals"
 * (https://github.com/hashicorp/hcl/blob/main/hclsyntax/spec.md): `\"`, `\\`,
 * `\n`, `\r`, `\t`, and `%%{` for a literal `%{`. Token markers
 * (`${TfToken[...]}`) contain none of these characters and pass through intact;
 * CDKTF itself already doubles a literal `${`.
 */
function escapeHclLiteral(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(/%\{/g, '%%{');
}

/** Escapes every string inside `value`; drops undefined object fields as JSON.stringify does. */
function escapeStrings(value: unknown, path: string): unknown {
  if (typeof value === 'string') return escapeHclLiteral(value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v, i) => escapeStrings(v, `${path}[${i}]`));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.map(([k, v]) => [escapeHclLiteral(k), escapeStrings(v, `${path}.${k}`)]));
  }
  throw new Error(`jsonEncode: ${path || 'value'} is a ${typeof value}, not a JSON value`);
}

/**
 * A Terraform `jsonencode(...)` of a plain JSON-shaped value that may hold
 * resource references (tokens). Terraform renders it at plan time with sorted
 * keys; AWS compares policies semantically, the handler parses its config.
 *
 * @example
 * new S3BucketPolicy(this, 'policy', { bucket: bucket.id, policy: jsonEncode({ Version: '2012-10-17', Statement: [...] }) });
 */
export function jsonEncode(value: unknown): string {
  return Fn.jsonencode(escapeStrings(value, ''));
}

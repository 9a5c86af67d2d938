/**
 * Canary secrets and the search for them. A canary is found in any form it
 * may travel in — raw, base64 (alone and as `user:password`), URL-encoded,
 * JSON- or HTML-escaped — and by any 8-character piece of those forms, so a
 * credential cut in half still counts.
 */
import { randomBytes } from 'node:crypto';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const upper = (n: number) => Array.from(randomBytes(n), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('');

/** A password with the characters encodings change: `/ + @ "`. */
export const canaryPassword = () => `Cn4/${hex(6)}+${hex(3)}@"${hex(2)}`;
/** A Dynatrace token of the documented shape: prefix, 24-character public portion, 64-character secret portion. */
export const canaryDynatraceToken = () => `dt0c01.${upper(24)}.${upper(64)}`;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function forms(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const html = value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return [value, b64(value), encodeURIComponent(value), json, html, JSON.stringify(json).slice(1, -1)];
}

export interface CanarySet {
  /** Pieces searched for, each labelled with the canary and form it comes from. */
  needles: Array<{ piece: string; label: string }>;
}

/**
 * Everything to search for. `secrets` are the canary values; `basic` the
 * `user:password` pairs sent as Basic auth. The username alone is not secret
 * enough to search for: only pieces of a form that carry the password count.
 */
export function canarySet(secrets: Record<string, string>, basic: Record<string, [string, string]>): CanarySet {
  const needles: CanarySet['needles'] = [];
  const add = (label: string, form: string, from = 0) => {
    for (let i = from; i + 8 <= form.length; i++) needles.push({ piece: form.slice(i, i + 8), label });
  };
  for (const [label, value] of Object.entries(secrets)) for (const f of forms(value)) add(`${label} (${f === value ? 'raw' : 'encoded'})`, f);
  for (const [label, [user, password]] of Object.entries(basic)) {
    // Skip the characters that encode the username and the colon only.
    const form = b64(`${user}:${password}`);
    add(`${label} (base64 user:password)`, form, Math.floor((user.length + 1) / 3) * 4);
  }
  return { needles };
}

/** Where, in which texts, a canary piece appears: empty means clean. */
export function findCanaries(set: CanarySet, texts: readonly string[]): string[] {
  const hits = new Set<string>();
  for (const text of texts) for (const n of set.needles) if (text.includes(n.piece)) hits.add(n.label);
  return [...hits].sort();
}

/**
 * Just enough of Dynatrace's metric selector grammar for config checks and the local server
 * (docs.dynatrace.com, "Metrics API - Metric selector"): a list is
 * comma-separated at the top level; a selector is a metric key (which may
 * carry a `builtin:`-style prefix) followed by `:transformations`, of which
 * only `:names` changes the response shape.
 */
export interface ParsedSelector {
  text: string;
  key: string;
  names: boolean;
}

/** Splits on commas outside parentheses and double quotes. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quote = !quote;
    else if (!quote && ch === '(') depth++;
    else if (!quote && ch === ')') depth--;
    else if (!quote && depth === 0 && ch === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter(Boolean);
}

const KEY_PREFIXES = new Set(['builtin', 'ext', 'calc', 'func', 'dsfm']);

/** The metric key a selector starts with: `builtin:containers.cpu.usagePercent:names` → `builtin:containers.cpu.usagePercent`. */
export function metricKeyOf(selector: string): string {
  const [first, second] = splitTopLevel(selector, ':');
  return KEY_PREFIXES.has(first) && second ? `${first}:${second}` : first;
}

export function parseSelectorList(list: string): ParsedSelector[] {
  return splitTopLevel(list, ',').map((text) => {
    const key = metricKeyOf(text);
    const transformations = splitTopLevel(text.slice(key.length), ':');
    return { text, key, names: transformations.includes('names') };
  });
}

/**
 * Reads the backtest CLI's CSV: a `timestamp` column, optional `container` and
 * `service` columns, and one numeric column per metric. Every error names the
 * file, the line and the field, so a user can fix the input without guessing.
 */

export class CsvInputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(`${file}:${line}: ${message}`);
    this.name = 'CsvInputError';
  }
}

/** One data row as read, before any ordering: `line` is its 1-based line in `file`. */
export interface CsvRow {
  file: string;
  line: number;
  /** The timestamp as written, echoed into the output so rows can be joined back. */
  rawTime: string;
  timeMs: number;
  container?: string;
  service?: string;
  values: number[];
}

export interface CsvTable {
  metrics: string[];
  /** Whether the file names its container(s) in a `container` column. */
  hasContainer: boolean;
  rows: CsvRow[];
}

/** Columns with a meaning of their own; every other column is a metric. */
const TIME = 'timestamp';
const CONTAINER = 'container';
const SERVICE = 'service';

const SPACE_STAMP = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d(?::\d\d(?:\.\d+)?)?)$/;
const ISO_STAMP = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?)?$/;

/** ISO-8601; a space instead of `T` and no zone (`2014-02-14 14:30:00`) means UTC. */
export function parseTimestamp(text: string): number {
  const spaced = SPACE_STAMP.exec(text);
  if (spaced) return Date.parse(`${spaced[1]}T${spaced[2]}Z`);
  if (!ISO_STAMP.test(text)) return Number.NaN;
  // An ISO date-time without a zone is read as UTC too, so results never depend on the machine's zone.
  return Date.parse(/T[^Z+-]*$/.test(text) ? `${text}Z` : text);
}

/**
 * Splits one CSV line (RFC 4180 quoting: `"a,b"` and `""` inside quotes), so
 * a container name with a comma in it does not shift every field after it.
 */
export function splitCsvLine(text: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (ch === ',') {
      fields.push(field.trim());
      field = '';
    } else field += ch;
  }
  if (quoted) return null;
  fields.push(field.trim());
  return fields;
}

export function parseCsv(text: string, file: string): CsvTable {
  const lines = text.split(/\r?\n/);
  const fail = (line: number, message: string): never => {
    throw new CsvInputError(file, line, message);
  };
  if (lines.every((l) => l.trim() === '')) fail(1, `the file is empty; expected a header ${TIME},<metric columns…>`);
  const header = splitCsvLine(lines[0]) ?? fail(1, 'the header has an unclosed quote');
  header.forEach((h, i) => {
    if (!h) fail(1, `column ${i + 1} has no name`);
    if (header.indexOf(h) !== i) fail(1, `column "${h}" appears twice`);
  });
  const timeAt = header.indexOf(TIME);
  if (timeAt < 0) fail(1, `no "${TIME}" column (found: ${header.join(', ')})`);
  const containerAt = header.indexOf(CONTAINER);
  const serviceAt = header.indexOf(SERVICE);
  const metricAt = header.map((_, i) => i).filter((i) => i !== timeAt && i !== containerAt && i !== serviceAt);
  if (metricAt.length === 0) fail(1, `no metric columns besides ${[TIME, CONTAINER, SERVICE].filter((c) => header.includes(c)).join(', ')}`);

  const rows: CsvRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    // Blank lines carry no data; skipping them loses nothing.
    if (lines[i].trim() === '') continue;
    const fields = splitCsvLine(lines[i]) ?? fail(line, 'unclosed quote');
    if (fields.length !== header.length) fail(line, `expected ${header.length} fields (${header.join(',')}), found ${fields.length}`);
    const rawTime = fields[timeAt];
    const timeMs = parseTimestamp(rawTime);
    if (!Number.isFinite(timeMs)) fail(line, `field "${TIME}": "${rawTime}" is not an ISO-8601 timestamp`);
    const named = (at: number, name: string) => {
      if (at < 0) return undefined;
      return fields[at] === '' ? fail(line, `field "${name}" is empty`) : fields[at];
    };
    const values = metricAt.map((at) => {
      const v = fields[at] === '' ? Number.NaN : Number(fields[at]);
      return Number.isFinite(v) ? v : fail(line, `field "${header[at]}": "${fields[at]}" is not a number`);
    });
    rows.push({ file, line, rawTime, timeMs, container: named(containerAt, CONTAINER), service: named(serviceAt, SERVICE), values });
  }
  return { metrics: metricAt.map((at) => header[at]), hasContainer: containerAt >= 0, rows };
}

/**
 * The archived form of one run: gzip JSON lines, one record per line, tagged by
 * `record` so one Athena table (JSON SerDe) can read raw rows, samples and the
 * run header side by side. Secrets are not this file's concern: the object
 * store it is written to is wrapped by the redaction boundary
 * (`src/observability/boundary.ts`), which redacts the gzip line by line.
 */
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { ContainerSample, DropCounts, MetricName, SourceName } from '../core/model';

export interface RawSourceRows {
  source: SourceName;
  rows: readonly unknown[];
}

export interface ArchivedRun {
  environment: string;
  runId: string;
  collectedAt: string;
  window: { earliest: string; latest: string };
  raw: readonly RawSourceRows[];
  samples: readonly ContainerSample[];
  dropped: DropCounts;
  sourceErrors: ReadonlyArray<{ source: SourceName; message: string }>;
  degradedMetrics: ReadonlyArray<{ source: SourceName; metric: MetricName; reason: string }>;
}

/** Text is handed to gzip in pieces of about this many characters: one write per line cost a queued buffer per line. */
const PIECE_CHARS = 1 << 20;

/** What a producer writes with: nothing to wait for, or a promise while gzip's buffer is full (await it before writing on). */
export type PieceWriter = (text: string) => Promise<void> | undefined;

/**
 * Gzips the text `produce` writes, piece by piece, so it never has to exist
 * as one string: writes are gathered into pieces of about a megabyte, and a
 * full piece makes the writer return a promise while gzip's buffer is full
 * (its backpressure), so the text waiting to be compressed stays about one
 * piece however large the run. A producer that fails leaves no stream open.
 */
export async function gzipPieces(produce: (write: PieceWriter) => void | Promise<void>): Promise<Uint8Array> {
  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  let piece = '';
  const flush = (): Promise<void> | undefined => {
    const text = piece;
    piece = '';
    return gzip.write(text) ? undefined : once(gzip, 'drain').then(() => undefined);
  };
  try {
    await produce((text) => {
      piece += text;
      return piece.length >= PIECE_CHARS ? flush() : undefined;
    });
    if (piece) await flush();
  } catch (e) {
    gzip.destroy();
    finished.catch(() => undefined);
    throw e;
  }
  gzip.end();
  await finished;
  return Buffer.concat(chunks);
}

/** Gzips the run line by line, so a 10,000-container batch never exists as one giant string. */
export function encodeArchive(run: ArchivedRun): Promise<Uint8Array> {
  return gzipPieces(async (write) => {
    for (const record of records(run)) {
      const full = write(JSON.stringify(record) + '\n');
      if (full) await full;
    }
  });
}

function* records(run: ArchivedRun): Generator<unknown> {
  yield {
    record: 'run',
    environment: run.environment,
    runId: run.runId,
    collectedAt: run.collectedAt,
    window: run.window,
    dropped: run.dropped,
    sourceErrors: run.sourceErrors,
    degradedMetrics: run.degradedMetrics,
  };
  for (const { source, rows } of run.raw) for (const row of rows) yield { record: 'raw', source, row };
  for (const sample of run.samples) yield { record: 'sample', ...sample };
}

/**
 * Redacts a gzip text object (the NDJSON run archive) line by line, so the
 * uncompressed batch is never held whole. Recompresses only when a line
 * changed: the clean case, every run, costs one decompression.
 */
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import { gzipPieces } from '../pipeline/archive';

/**
 * Feeds the gunzipped `body` to `onLines` in blocks of whole lines (newlines
 * included): one call per decompressed chunk, not per line, and no secret is
 * split between two blocks, since secrets never span a line. Where `onLines`
 * returns a promise (a write that waits for its gzip), decompression pauses
 * until it settles.
 */
async function eachLines(body: Uint8Array, onLines: (lines: string) => void | Promise<void>): Promise<void> {
  const gunzip = createGunzip();
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let waiting: Promise<void> = Promise.resolve();
  let failed = false;
  await new Promise<void>((resolve, reject) => {
    gunzip.on('data', (chunk: Buffer) => {
      const text = pending + decoder.write(chunk);
      const end = text.lastIndexOf('\n') + 1;
      pending = text.slice(end);
      if (end === 0) return;
      const written = onLines(text.slice(0, end));
      if (!written) return;
      gunzip.pause();
      waiting = written.then(
        () => void gunzip.resume(),
        (e: unknown) => {
          failed = true;
          gunzip.destroy();
          reject(e);
        },
      );
    });
    gunzip.on('end', () => {
      pending += decoder.end();
      // After a write that failed (and rejected), nothing more is written.
      waiting.then(() => (pending && !failed ? onLines(pending) : undefined)).then(() => resolve(), reject);
    });
    gunzip.on('error', reject);
    gunzip.end(body);
  });
}

export async function redactGzipLines(body: Uint8Array, redact: (lines: string) => string): Promise<Uint8Array> {
  let changed = false;
  await eachLines(body, (lines) => {
    if (!changed && redact(lines) !== lines) changed = true;
  });
  if (!changed) return body;

  return gzipPieces((write) => eachLines(body, (lines) => write(redact(lines))));
}

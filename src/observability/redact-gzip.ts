/**
 * Redacts a gzip text object (the NDJSON run archive) line by line, so the
 * uncompressed batch is never held whole. Recompresses only when a line
 * changed: the clean case, every run, costs one decompression.
 */
import { createGunzip, createGzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';

/** Feeds each line of the gunzipped `body` (newline included) to `onLine`. */
async function eachLine(body: Uint8Array, onLine: (line: string) => void): Promise<void> {
  const gunzip = createGunzip();
  const decoder = new StringDecoder('utf8');
  let pending = '';
  gunzip.on('data', (chunk: Buffer) => {
    const parts = (pending + decoder.write(chunk)).split('\n');
    pending = parts.pop() ?? '';
    for (const p of parts) onLine(p + '\n');
  });
  await new Promise<void>((resolve, reject) => {
    gunzip.on('end', () => {
      pending += decoder.end();
      if (pending) onLine(pending);
      resolve();
    });
    gunzip.on('error', reject);
    gunzip.end(body);
  });
}

export async function redactGzipLines(body: Uint8Array, redact: (line: string) => string): Promise<Uint8Array> {
  let changed = false;
  await eachLine(body, (line) => {
    if (!changed && redact(line) !== line) changed = true;
  });
  if (!changed) return body;

  const gzip = createGzip();
  const chunks: Buffer[] = [];
  gzip.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve);
    gzip.on('error', reject);
  });
  await eachLine(body, (line) => gzip.write(redact(line)));
  gzip.end();
  await finished;
  return Buffer.concat(chunks);
}

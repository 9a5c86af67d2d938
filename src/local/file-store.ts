/**
 * The archive as a folder (`./.local/archive/`), with the same keys as the S3
 * bucket and S3's conditional-write rules (content hash as ETag), so the local
 * run exercises the same ledger logic as the Lambda.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { PreconditionFailedError, type ObjectStore, type StoredObject, type WriteCondition } from '../pipeline/ports';

const etagOf = (body: Uint8Array) => `"${createHash('md5').update(body).digest('hex')}"`;

export class FileObjectStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new Error(`object key ${key} escapes the archive folder`);
    return path;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const path = this.pathOf(key);
    if (!existsSync(path)) return undefined;
    const body = new Uint8Array(readFileSync(path));
    return { body, etag: etagOf(body) };
  }

  async put(key: string, body: Uint8Array, options: { condition?: WriteCondition } = {}): Promise<{ etag: string }> {
    const path = this.pathOf(key);
    const c = options.condition;
    if (c) {
      const current = await this.get(key);
      if ('ifMatch' in c && current?.etag !== c.ifMatch) throw new PreconditionFailedError(key);
      if ('ifNoneMatch' in c && current) throw new PreconditionFailedError(key);
    }
    mkdirSync(dirname(path), { recursive: true });
    // Write then rename, so a crash never leaves half an object.
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, body);
    renameSync(tmp, path);
    return { etag: etagOf(body) };
  }

  /** Absolute path of a key, for showing the user where things went. */
  locate(key: string): string {
    return join(this.root, key);
  }
}

/** An in-process ObjectStore with S3's conditional-write semantics, for tests and benchmarks. */
import { createHash } from 'node:crypto';
import { PreconditionFailedError, type ObjectStore, type StoredObject, type WriteCondition } from '../../pipeline/ports';

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject & { contentType?: string; contentEncoding?: string }>();

  async get(key: string): Promise<StoredObject | undefined> {
    const o = this.objects.get(key);
    return o ? { body: o.body, etag: o.etag } : undefined;
  }

  async put(key: string, body: Uint8Array, options: { condition?: WriteCondition; contentType?: string; contentEncoding?: string } = {}): Promise<{ etag: string }> {
    const existing = this.objects.get(key);
    const c = options.condition;
    if (c && 'ifMatch' in c && existing?.etag !== c.ifMatch) throw new PreconditionFailedError(key);
    if (c && 'ifNoneMatch' in c && existing) throw new PreconditionFailedError(key);
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    this.objects.set(key, { body: Uint8Array.from(body), etag, contentType: options.contentType, contentEncoding: options.contentEncoding });
    return { etag };
  }

  keys(): string[] {
    return [...this.objects.keys()].sort();
  }
}

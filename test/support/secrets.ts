/** An in-memory SecretProvider whose values can be rotated mid-test, counting reads. */
import type { SecretProvider, VersionedSecret } from '../../src/core/ports';

export class RotatingSecrets implements SecretProvider {
  reads = 0;
  invalidations: string[] = [];
  private cached = new Map<string, VersionedSecret>();
  private current = new Map<string, VersionedSecret>();

  constructor(initial: Record<string, Record<string, string>>) {
    for (const [path, data] of Object.entries(initial)) this.current.set(path, { path, version: 1, data });
  }

  /** Writes a new version "in Vault"; the cache still holds the old one until invalidated. */
  rotate(path: string, data: Record<string, string>): void {
    const previous = this.current.get(path);
    this.current.set(path, { path, version: (previous?.version ?? 0) + 1, data });
  }

  async get(path: string): Promise<VersionedSecret> {
    const hit = this.cached.get(path);
    if (hit) return hit;
    this.reads++;
    const secret = this.current.get(path);
    if (!secret) throw new Error(`no secret at ${path}`);
    this.cached.set(path, secret);
    return secret;
  }

  invalidate(path: string): void {
    this.invalidations.push(path);
    this.cached.delete(path);
  }
}

/** A Response whose body arrives in the given chunks, to exercise streaming parsers. */
export function chunkedResponse(chunks: string[], status = 200): Response {
  const enc = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks) controller.enqueue(enc.encode(c));
        controller.close();
      },
    }),
    { status },
  );
}

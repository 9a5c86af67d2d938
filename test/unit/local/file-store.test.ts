import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileObjectStore } from '../../../src/local/file-store';
import { PreconditionFailedError } from '../../../src/pipeline/ports';

describe('FileObjectStore', () => {
  const store = new FileObjectStore(mkdtempSync(join(tmpdir(), 'cad-store-')));
  const bytes = (s: string) => new TextEncoder().encode(s);

  it('stores objects under their keys and reads them back with an ETag', async () => {
    const { etag } = await store.put('state/env=local/a.json', bytes('one'));
    const got = await store.get('state/env=local/a.json');
    expect(new TextDecoder().decode(got!.body)).toBe('one');
    expect(got!.etag).toBe(etag);
    await expect(store.get('state/missing')).resolves.toBeUndefined();
  });

  it('enforces If-Match and If-None-Match like S3', async () => {
    const { etag } = await store.put('l.json', bytes('v1'), { condition: { ifNoneMatch: '*' } });
    await expect(store.put('l.json', bytes('v2'), { condition: { ifNoneMatch: '*' } })).rejects.toBeInstanceOf(PreconditionFailedError);
    await store.put('l.json', bytes('v2'), { condition: { ifMatch: etag } });
    await expect(store.put('l.json', bytes('v3'), { condition: { ifMatch: etag } })).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('refuses keys that would escape the archive folder', async () => {
    await expect(store.put('../outside', bytes('x'))).rejects.toThrow('escapes the archive folder');
  });
});

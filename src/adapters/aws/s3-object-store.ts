/** The archive bucket as an ObjectStore: GetObject/PutObject with S3's conditional writes. */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { PreconditionFailedError, type ObjectStore, type StoredObject, type WriteCondition } from '../../pipeline/ports';

interface AwsError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

function status(e: unknown): number | undefined {
  return (e as AwsError).$metadata?.httpStatusCode;
}

export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    readonly bucket: string,
  ) {}

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const res = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!res.Body) throw new Error(`s3://${this.bucket}/${key} has no body`);
      return { body: await res.Body.transformToByteArray(), etag: res.ETag ?? '' };
    } catch (e) {
      if ((e as AwsError).name === 'NoSuchKey' || status(e) === 404) return undefined;
      throw new Error(`reading s3://${this.bucket}/${key} failed: ${(e as Error).message}`, { cause: e });
    }
  }

  async put(key: string, body: Uint8Array, options: { condition?: WriteCondition; contentType?: string; contentEncoding?: string } = {}): Promise<{ etag: string }> {
    const c = options.condition;
    try {
      const res = await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: options.contentType,
          ContentEncoding: options.contentEncoding,
          IfMatch: c && 'ifMatch' in c ? c.ifMatch : undefined,
          IfNoneMatch: c && 'ifNoneMatch' in c ? c.ifNoneMatch : undefined,
        }),
      );
      return { etag: res.ETag ?? '' };
    } catch (e) {
      // 412: the condition failed; 409: a concurrent conditional write is in flight. Both mean "re-read".
      if ((e as AwsError).name === 'PreconditionFailed' || status(e) === 412 || status(e) === 409) throw new PreconditionFailedError(key);
      throw new Error(`writing s3://${this.bucket}/${key} failed: ${(e as Error).message}`, { cause: e });
    }
  }
}

import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { loadConfig, type EdocConfig } from '@edoc/config';
import { S3ArchiveStore, S3ObjectStore, createArchiveStore, createObjectStore, createS3Client } from '@edoc/storage';
import { startS3Server, type TestS3Server } from '@edoc/testing';
import type { Client } from 'minio';
import { describeArchiveStoreContract } from './archive-store.contract';
import { describeObjectStoreContract } from './object-store.contract';

let server: TestS3Server;
let config: EdocConfig;
let client: Client;
let bucketSeq = 0;
let bucket: string;

beforeAll(async () => {
  server = await startS3Server();
  config = { ...loadConfig(), s3: server.settings };
  client = createS3Client(server.settings);
});
afterAll(() => server.stop());

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** More than two of the 16 MiB parts createS3Client uploads in, so the multipart path is taken. */
const MULTIPART_BYTES = 40 * 1024 * 1024 + 5;

function chunked(data: Buffer, chunkSize = 1 << 20): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += chunkSize) chunks.push(data.subarray(offset, offset + chunkSize));
  return Readable.from(chunks);
}

async function sha256OfStream(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function nextBucket(): string {
  bucket = `edoc-test-${process.pid}-${++bucketSeq}`;
  return bucket;
}

async function keysIn(name: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of client.listObjectsV2(name, '', true)) keys.push(item.name as string);
  return keys;
}

async function dropBucket(): Promise<void> {
  if (!(await client.bucketExists(bucket))) return;
  for (const key of await keysIn(bucket)) await client.removeObject(bucket, key);
  await client.removeBucket(bucket);
}

describeObjectStoreContract(
  's3 (s3rver on loopback)',
  async () => ({
    store: createObjectStore(config, nextBucket()),
    countObjects: async () => ((await client.bucketExists(bucket)) ? (await keysIn(bucket)).length : 0),
    leftoverTemporaries: async () => 0,
    async tamper(key, bytes) {
      await client.putObject(bucket, key, bytes, bytes.length);
    },
  }),
  dropBucket,
);

describeArchiveStoreContract('s3 without Object Lock (s3rver)', 'none', async () => createArchiveStore(config, nextBucket()), dropBucket);

describe('S3 backends', () => {
  beforeEach(nextBucket);
  afterEach(dropBucket);

  it('are chosen by createObjectStore/createArchiveStore when S3 is configured, and create their bucket', async () => {
    const store = createObjectStore(config, bucket);
    expect(store).toBeInstanceOf(S3ObjectStore);
    expect(createArchiveStore(config, `${bucket}-a`)).toBeInstanceOf(S3ArchiveStore);
    expect(await client.bucketExists(bucket)).toBe(false);
    await store.put(Buffer.from('x'));
    expect(await client.bucketExists(bucket)).toBe(true);
  });

  it('keeps the media type as Content-Type', async () => {
    const stored = await createObjectStore(config, bucket).put(Buffer.from('%PDF'), { mediaType: 'application/pdf' });
    expect((await client.statObject(bucket, stored.key)).metaData['content-type']).toBe('application/pdf');
  });

  it('archives a stream bigger than one upload part whole, in parts, with its hash recorded; a repeat is harmless, other bytes conflict', async () => {
    const uploadingClient = createS3Client(server.settings);
    const multipart = jest.spyOn(uploadingClient, 'initiateNewMultipartUpload');
    const archive = new S3ArchiveStore(uploadingClient, bucket, 'us-east-1', server.endpoint);
    const data = randomBytes(MULTIPART_BYTES);
    const result = await archive.putOnce('2025/big.pdf', chunked(data), { mediaType: 'application/pdf' });
    expect(result).toEqual({ key: '2025/big.pdf', sha256: sha256(data), locked: 'none' });
    expect(multipart).toHaveBeenCalledTimes(1);
    const info = await client.statObject(bucket, '2025/big.pdf');
    expect(info.size).toBe(data.length);
    expect(info.metaData.sha256).toBe(sha256(data));
    expect(await sha256OfStream(await archive.getStream('2025/big.pdf'))).toBe(sha256(data));
    await expect(archive.putOnce('2025/big.pdf', chunked(data))).resolves.toEqual(result);
    data[0] ^= 1;
    await expect(archive.putOnce('2025/big.pdf', chunked(data))).rejects.toThrow(/already exists with different content/);
  });

  it('compares a repeat with an archived object that has no recorded hash by streaming it', async () => {
    const archive = createArchiveStore(config, bucket);
    await archive.list(); // creates the bucket
    const data = randomBytes(300_000);
    await client.putObject(bucket, 'foreign.pdf', data, data.length);
    await expect(archive.putOnce('foreign.pdf', chunked(data, 7_000))).resolves.toMatchObject({ sha256: sha256(data) });
    await expect(archive.putOnce('foreign.pdf', Buffer.from('else'))).rejects.toThrow(/already exists with different content/);
  });

  it('stores an object-store stream bigger than one upload part whole', async () => {
    const data = randomBytes(MULTIPART_BYTES);
    const stored = await createObjectStore(config, bucket).put(chunked(data));
    expect(stored).toEqual({ key: `sha256/${sha256(data)}`, sha256: sha256(data), size: data.length });
    expect((await client.statObject(bucket, stored.key)).size).toBe(data.length);
  });

  it('reports an unreachable server with the endpoint and without the secret key', async () => {
    const dead = { ...server.settings, port: 1, secretKey: 'very-secret-value' };
    const store = createObjectStore({ ...config, s3: dead }, bucket);
    const error = await store.put(Buffer.from('x')).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/S3 creating bucket "edoc-test-.*" at http:\/\/127\.0\.0\.1:1 failed/);
    expect(error?.message).not.toContain('very-secret-value');
  });

  describe('archive on a server with Object Lock', () => {
    // s3rver has no Object Lock; the server's answers to the lock calls are stood in for, while the
    // objects themselves still go to the real server.
    function lockingArchive() {
      const lockingClient = createS3Client(server.settings);
      const makeBucket = jest.spyOn(lockingClient, 'makeBucket');
      jest.spyOn(lockingClient, 'getObjectLockConfig').mockImplementation((() => Promise.resolve({ objectLockEnabled: 'Enabled' })) as never);
      const retention = jest.spyOn(lockingClient, 'putObjectRetention').mockResolvedValue(undefined);
      const legalHold = jest.spyOn(lockingClient, 'setObjectLegalHold').mockImplementation((() => Promise.resolve()) as never);
      const archive = new S3ArchiveStore(lockingClient, bucket, 'us-east-1', server.endpoint);
      return { archive, makeBucket, retention, legalHold };
    }

    it('creates the bucket with object locking and retains in COMPLIANCE mode until the date', async () => {
      const { archive, makeBucket, retention, legalHold } = lockingArchive();
      const until = new Date(Date.now() + 10 * 365 * 86_400_000);
      const result = await archive.putOnce('2025/05-QĐ-UBND.pdf', Buffer.from('pdf'), { retainUntil: until });
      expect(result.locked).toBe('object-lock');
      expect(makeBucket).toHaveBeenCalledWith(bucket, 'us-east-1', { ObjectLocking: true });
      expect(retention).toHaveBeenCalledWith(bucket, '2025/05-QĐ-UBND.pdf', expect.objectContaining({ mode: 'COMPLIANCE', retainUntilDate: until.toISOString() }));
      expect(legalHold).not.toHaveBeenCalled();
      expect((await archive.get('2025/05-QĐ-UBND.pdf')).toString()).toBe('pdf');
    });

    it('puts a legal hold on an object kept permanently', async () => {
      const { archive, retention, legalHold } = lockingArchive();
      await archive.putOnce('permanent.pdf', Buffer.from('pdf'));
      expect(legalHold).toHaveBeenCalledWith(bucket, 'permanent.pdf', expect.objectContaining({ status: 'ON' }));
      expect(retention).not.toHaveBeenCalled();
    });

    it('locks an archived stream that went up in parts', async () => {
      const { archive, legalHold } = lockingArchive();
      const data = randomBytes(MULTIPART_BYTES);
      await expect(archive.putOnce('2025/big-locked.pdf', chunked(data))).resolves.toMatchObject({ sha256: sha256(data), locked: 'object-lock' });
      expect(legalHold).toHaveBeenCalledWith(bucket, '2025/big-locked.pdf', expect.objectContaining({ status: 'ON' }));
    });

    it('says so when the lock fails after the write, and locks on the retry', async () => {
      const { archive, legalHold } = lockingArchive();
      legalHold.mockImplementationOnce((() => Promise.reject(Object.assign(new Error('boom'), { code: 'InternalError' }))) as never);
      await expect(archive.putOnce('retry.pdf', Buffer.from('pdf'))).rejects.toThrow(/locking ".*retry\.pdf" \(the object is stored; repeat putOnce to lock it\)/);
      await expect(archive.putOnce('retry.pdf', Buffer.from('pdf'))).resolves.toMatchObject({ locked: 'object-lock' });
      expect(legalHold).toHaveBeenCalledTimes(2);
    });
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ForbiddenException, NotFoundException } from '@nestjs/common';
import type { Principal } from '@edoc/identity';
import { FilesystemObjectStore, type ObjectStore } from '@edoc/storage';
import type { DeliveriesRepository } from '../src/repositories/deliveries.repository';
import type { DocumentsRepository } from '../src/repositories/documents.repository';
import { FileAccessService } from '../src/services/file-access.service';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const wardSystem = { username: 'bachkhoa.system', orgCode: '000.32.13.H26', roles: ['ward-system'] } as unknown as Principal;

function service(store: ObjectStore, recipientOf: Set<string>) {
  return new FileAccessService(
    { issuerHoldsFile: async () => false } as unknown as DocumentsRepository,
    { recipientHoldsFile: async (_org: string, digest: string) => recipientOf.has(digest) } as unknown as DeliveriesRepository,
    store,
  );
}

describe('FileAccessService', () => {
  let dir: string;
  let store: FilesystemObjectStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edoc-file-access-'));
    store = new FilesystemObjectStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('hands a recipient the file as a stream with its size', async () => {
    const data = randomBytes(300_000);
    await store.put(data);
    const { stream, size } = await service(store, new Set([sha256(data)])).open(wardSystem, sha256(data).toUpperCase());
    const chunks: Buffer[] = [];
    for await (const chunk of stream as Readable) chunks.push(chunk as Buffer);
    expect(size).toBe(data.length);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(data));
  });

  it('refuses a unit that neither issued nor received the file', async () => {
    const data = randomBytes(10);
    await store.put(data);
    await expect(service(store, new Set()).open(wardSystem, sha256(data))).rejects.toThrow(ForbiddenException);
  });

  it('answers 404, not 500, when the file goes between its stat and its opening', async () => {
    const data = randomBytes(10);
    const stored = await store.put(data);
    const vanishing = Object.assign(Object.create(store) as FilesystemObjectStore, {
      getStream: async (key: string) => {
        await store.delete(key);
        return store.getStream(key);
      },
    });
    await expect(service(vanishing, new Set([stored.sha256])).open(wardSystem, stored.sha256)).rejects.toThrow(NotFoundException);
  });
});

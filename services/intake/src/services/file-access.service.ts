import { ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@edoc/identity';
import { OBJECT_STORE } from '@edoc/runtime';
import { ObjectNotFoundError, type ObjectStore } from '@edoc/storage';
import { Readable } from 'node:stream';
import { DeliveriesRepository } from '../repositories/deliveries.repository';
import { DocumentsRepository } from '../repositories/documents.repository';

/** Serves a file by SHA-256 to the units entitled to it: its issuer, its recipients, and administrators. */
@Injectable()
export class FileAccessService {
  constructor(
    private readonly documents: DocumentsRepository,
    private readonly deliveries: DeliveriesRepository,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  async open(principal: Principal, sha256: string): Promise<{ stream: Readable; size: number }> {
    const digest = sha256.toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(digest)) throw new NotFoundException(`"${sha256}" is not a SHA-256 (64 hex digits)`);
    const allowed =
      principal.roles.includes('admin') ||
      (await this.documents.issuerHoldsFile(principal.orgCode, digest)) ||
      (await this.deliveries.recipientHoldsFile(principal.orgCode, digest));
    if (!allowed) throw new ForbiddenException(`${principal.orgCode} neither issued nor received a file with SHA-256 ${digest}`);
    const key = `sha256/${digest}`;
    const stat = await this.store.stat(key);
    if (stat === undefined) throw new NotFoundException(`file ${digest} is not in storage`);
    // Streamed, never read whole: a file may be hundreds of MB and many recipients fetch it at once.
    try {
      return { stream: await this.store.getStream(key), size: stat.size };
    } catch (error) {
      // Deleted between the two calls (a recalled copy destroyed): still a 404, not a 500.
      if (error instanceof ObjectNotFoundError) throw new NotFoundException(`file ${digest} is not in storage`);
      throw error;
    }
  }
}

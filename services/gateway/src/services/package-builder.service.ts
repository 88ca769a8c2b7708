import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { BusinessType, type Delivery, timestampDate } from '@edoc/contracts';
import type { EdocConfig } from '@edoc/config';
import { Directory } from '@edoc/directory';
import { DEFAULT_MAX_PACKAGE_BYTES, edxmlPackageOf, signPackage, writePackage } from '@edoc/edxml';
import { PermanentMessageError } from '@edoc/messaging';
import { EDOC_CONFIG, OBJECT_STORE, pkiDirOf, privateKeyFileIn, secretsDirOf } from '@edoc/runtime';
import type { ObjectStore } from '@edoc/storage';

interface AxisSigner {
  privateKeyPem: string;
  certificatePem: string;
  chainPem: string[];
}

/**
 * A delivery to an outside organ as the signed edXML package the axis carries: the document's
 * metadata and files (none for a recall), To the one organ of the delivery (each delivery is its own package, so each
 * organ's statuses answer one package), signed with the issuing unit's key in the gateway's
 * secrets folder and its certificate chain.
 */
@Injectable()
export class PackageBuilder {
  private readonly pkiDir: string;
  private readonly secretsDir: string;
  private readonly signers = new Map<string, AxisSigner>();

  constructor(
    private readonly directory: Directory,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(EDOC_CONFIG) config: EdocConfig,
  ) {
    this.pkiDir = pkiDirOf(config);
    this.secretsDir = secretsDirOf(config, 'gateway');
  }

  /**
   * `concerns`: for a recall, update or replacement, the edXML id of the document it concerns. A
   * recall carries no file: it names the document and says why.
   */
  async build(delivery: Delivery, concerns = ''): Promise<Buffer> {
    const metadata = delivery.metadata;
    const recall = delivery.businessType === BusinessType.RECALL;
    if (metadata === undefined || (!recall && delivery.file === undefined)) throw new PermanentMessageError(`delivery ${delivery.deliveryId} without metadata or file`);
    if (metadata.edxmlDocumentId === '') throw new PermanentMessageError(`delivery ${delivery.deliveryId}: document ${delivery.documentId} has no edXML document id`);
    const parts = recall || delivery.file === undefined ? [] : [{ role: 'document' as const, file: delivery.file }, ...delivery.attachments.map((file) => ({ role: 'attachment' as const, file }))];
    // Base64 makes four bytes of three; refused before any file is read into memory.
    const encodedSize = parts.reduce((sum, { file }) => sum + Math.ceil(Number(file.size) / 3) * 4, 0);
    if (encodedSize > DEFAULT_MAX_PACKAGE_BYTES) {
      throw new PermanentMessageError(`document ${delivery.documentId}: its files make ${encodedSize} bytes of base64, more than an edXML package may carry (${DEFAULT_MAX_PACKAGE_BYTES})`);
    }
    const signer = this.signerOf(delivery.senderCode);
    const files = [];
    for (const { role, file } of parts) files.push({ role, fileName: file.fileName, mediaType: file.mediaType, bytes: await this.store.get(file.objectKey) });
    const pkg = edxmlPackageOf({
      metadata: { ...metadata, recipientCodes: [delivery.recipientCode], businessType: delivery.businessType },
      issuedAt: delivery.createdAt ? timestampDate(delivery.createdAt) : new Date(),
      organisation: (code) => this.directory.get(code),
      concernsDocumentId: concerns,
      files,
      staff: { department: this.directory.get(delivery.senderCode)?.name ?? delivery.senderCode, name: metadata.signer?.fullName ?? '' },
      reason: delivery.reason,
    });
    return Buffer.from(signPackage(writePackage(pkg), signer), 'utf8');
  }

  /** A unit with no key here cannot send to the axis until one is installed: dead-lettered with that reason, to be replayed. */
  private signerOf(orgCode: string): AxisSigner {
    const cached = this.signers.get(orgCode);
    if (cached !== undefined) return cached;
    const keyFile = privateKeyFileIn(this.secretsDir, `orgs/${orgCode}`);
    const certFile = join(this.pkiDir, 'orgs', `${orgCode}.cert.pem`);
    if (!existsSync(keyFile) || !existsSync(certFile)) throw new PermanentMessageError(`no axis signing key and certificate for ${orgCode} in the gateway's key store (${keyFile}, ${certFile})`);
    const chainFile = join(this.pkiDir, 'issuing-ca.cert.pem');
    const signer = { privateKeyPem: readFileSync(keyFile, 'utf8'), certificatePem: readFileSync(certFile, 'utf8'), chainPem: existsSync(chainFile) ? [readFileSync(chainFile, 'utf8')] : [] };
    this.signers.set(orgCode, signer);
    return signer;
  }
}

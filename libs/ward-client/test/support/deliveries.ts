import { createHash, randomUUID } from 'node:crypto';
import { BusinessType, create, DeliverySchema, FileRefSchema, toBinary, type Delivery, type FileRef } from '@edoc/contracts';
import type { FileSource } from '../../src/file-source';
import type { StatusReportInput, StatusSink } from '../../src/status-report';
import type { IncomingMessage } from '../../src/decode-delivery';

export const WARD = '000.32.13.H26';

export function fileRefOf(bytes: Buffer, fileName = 'document.pdf'): FileRef {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return create(FileRefSchema, { objectKey: `sha256/${sha256}`, sha256, size: BigInt(bytes.length), mediaType: 'application/pdf', fileName });
}

export function pdfBytes(text: string): Buffer {
  return Buffer.from(`%PDF-1.7\n% ${text}\n%%EOF\n`);
}

export function makeDelivery(file: Buffer, overrides: Partial<Omit<Delivery, '$typeName' | '$unknown'>> = {}): Delivery {
  return create(DeliverySchema, {
    deliveryId: randomUUID(),
    documentId: randomUUID(),
    senderCode: '000.00.13.H26',
    recipientCode: WARD,
    businessType: BusinessType.NEW_UNSPECIFIED,
    file: fileRefOf(file),
    downloadPath: '/files',
    ...overrides,
  });
}

export function incoming(delivery: Delivery, messageId: string = randomUUID(), urgent = false): IncomingMessage {
  return { content: Buffer.from(toBinary(DeliverySchema, delivery)), messageId, type: DeliverySchema.typeName, contentType: 'application/x-protobuf', urgent };
}

/** Serves files by SHA-256 from a map; `tamper` changes what it serves. */
export class FakeFileSource implements FileSource {
  readonly files = new Map<string, Buffer>();
  readonly requests: string[] = [];
  failNext = 0;

  add(bytes: Buffer): void {
    this.files.set(createHash('sha256').update(bytes).digest('hex'), bytes);
  }

  async fetch(downloadPath: string, ref: FileRef): Promise<Buffer> {
    this.requests.push(`${downloadPath}/${ref.sha256}`);
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('connection refused');
    }
    const bytes = this.files.get(ref.sha256);
    if (bytes === undefined) throw new Error(`404 no file ${ref.sha256}`);
    return bytes;
  }
}

export class FakeStatusSink implements StatusSink {
  readonly reports: StatusReportInput[] = [];
  failNext = 0;

  async report(input: StatusReportInput): Promise<string> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('no confirm from the broker within 10000 ms');
    }
    this.reports.push(input);
    return input.messageId ?? randomUUID();
  }
}

import { open, rename, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DeliverySchema, toJson, type FileRef } from '@edoc/contracts';
import type { ReceivedDocument } from '@edoc/ward-client';

export interface SavedDocument {
  pdf: string;
  attachments: string[];
  metadata: string;
}

/**
 * Stores a received document in DIR the way a ward's own system would before it lets edoc know:
 * `<deliveryId>.pdf`, `<deliveryId>.attachment-<n>.<ext>` and `<deliveryId>.json` (the delivery),
 * each written to a temporary file, fsynced and renamed, so a crash never leaves half a file.
 * Writing the same delivery twice gives the same files.
 */
export async function saveDocument(dir: string, document: ReceivedDocument): Promise<SavedDocument> {
  await mkdir(dir, { recursive: true });
  const id = document.delivery.deliveryId;
  const pdf = join(dir, `${id}.pdf`);
  await writeDurably(pdf, document.file);
  const attachments: string[] = [];
  for (const [index, attachment] of document.attachments.entries()) {
    const path = join(dir, `${id}.attachment-${index + 1}${extensionOf(attachment.ref)}`);
    await writeDurably(path, attachment.bytes);
    attachments.push(path);
  }
  const metadata = join(dir, `${id}.json`);
  await writeDurably(metadata, Buffer.from(`${JSON.stringify(toJson(DeliverySchema, document.delivery), null, 2)}\n`));
  await syncDir(dir);
  return { pdf, attachments, metadata };
}

function extensionOf(ref: FileRef): string {
  const fromName = /\.([A-Za-z0-9]{1,8})$/.exec(ref.fileName)?.[1];
  if (fromName !== undefined) return `.${fromName.toLowerCase()}`;
  return ref.mediaType === 'application/pdf' || ref.mediaType === '' ? '.pdf' : '.bin';
}

async function writeDurably(path: string, bytes: Buffer): Promise<void> {
  const temp = `${path}.part`;
  const file = await open(temp, 'w');
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temp, path);
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // some file systems cannot fsync a directory; the renames are still atomic
  } finally {
    await handle.close();
  }
}

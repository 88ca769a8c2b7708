import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MANIFEST_FILE, MANIFEST_SIGNATURE_FILE, preparePackageFolder, streamPackageFile, writePackageFile } from '@edoc/audit';
import type { ApiClient } from '../../http/api-client';

interface ExportResponse {
  manifest: string;
  manifestSignature: string;
  generated: { path: string; content: string }[];
  objects: { path: string; archiveName: string; sha256: string; size: number }[];
  documents: number;
}

/**
 * Fetches an export from the archival service and writes the package. It is written into a
 * temporary folder beside OUT and renamed at the end, so OUT holds either the whole package or
 * nothing; every archived file is checked against the hash the audit chain recorded.
 */
export async function exportPackage(client: ApiClient, query: { org: string; from: string; to: string }, out: string): Promise<{ dir: string; documents: number; files: number }> {
  const target = resolve(out);
  if (existsSync(target) && (!statSync(target).isDirectory() || readdirSync(target).length > 0)) {
    throw new Error(`${out} already exists and is not an empty folder: give a new folder for the package`);
  }
  const params = new URLSearchParams(query);
  const response = await client.json<ExportResponse>('GET', `/archive/export?${params.toString()}`);
  const staging = join(dirname(target), `.${basename(target)}.partial-${randomBytes(4).toString('hex')}`);
  try {
    preparePackageFolder(staging);
    for (const file of response.generated) writePackageFile(staging, file.path, Buffer.from(file.content, 'base64'));
    for (const object of response.objects) {
      // Streamed to disk and hashed on the way: an archived document may be hundreds of MB.
      const { sha256: actual } = await streamPackageFile(staging, object.path, await client.stream(`/archive/objects?name=${encodeURIComponent(object.archiveName)}`));
      if (actual !== object.sha256) {
        throw new Error(`archived object ${object.archiveName} now hashes to ${actual}, but the audit chain recorded ${object.sha256} when it was archived: the archive was altered, no package written (run \`edoc audit verify\`)`);
      }
    }
    writePackageFile(staging, MANIFEST_FILE, Buffer.from(response.manifest, 'base64'));
    writePackageFile(staging, MANIFEST_SIGNATURE_FILE, Buffer.from(response.manifestSignature, 'base64'));
    if (existsSync(target)) rmSync(target, { recursive: true }); // the empty folder checked above
    renameSync(staging, target);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return { dir: target, documents: response.documents, files: response.generated.length + response.objects.length + 2 };
}

import { Command } from 'commander';
import { chmod, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { writeTempFile } from '@edoc/storage';
import { ApiClient } from '../http/api-client';
import { withApiOptions } from './api-options';

export function buildDownloadCommand(): Command {
  return withApiOptions(
    new Command('download')
      .description('download a file by its SHA-256 and check the digest')
      .argument('<sha256>')
      .requiredOption('-o, --output <file>', 'where to write it'),
  ).action(async (sha256: string, options: { output: string; url?: string; token?: string; as?: string }) => {
    const output = resolve(options.output);
    // Streamed into a temporary file beside the output, hashed on the way: a file of any size
    // costs a few buffers, and the output appears only once its digest is checked.
    const body = await new ApiClient(options).stream(`/files/${encodeURIComponent(sha256)}`);
    const written = await writeTempFile(dirname(output), body);
    if (written.sha256 !== sha256.toLowerCase()) {
      await rm(written.path, { force: true });
      throw new Error(`the server sent bytes with SHA-256 ${written.sha256}, not ${sha256}: nothing written`);
    }
    // The temporary file was private (0600); the downloaded document is an ordinary file.
    await chmod(written.path, 0o644);
    await rename(written.path, output);
    console.log(`wrote ${options.output} (${written.size} bytes, SHA-256 checked)`);
  });
}

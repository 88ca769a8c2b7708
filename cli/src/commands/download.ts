import { Command } from 'commander';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { ApiClient } from '../http/api-client';
import { withApiOptions } from './api-options';

export function buildDownloadCommand(): Command {
  return withApiOptions(
    new Command('download')
      .description('download a file by its SHA-256 and check the digest')
      .argument('<sha256>')
      .requiredOption('-o, --output <file>', 'where to write it'),
  ).action(async (sha256: string, options: { output: string; url?: string; token?: string; as?: string }) => {
    const bytes = await new ApiClient(options).bytes(`/files/${encodeURIComponent(sha256)}`);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256.toLowerCase()) throw new Error(`the server sent bytes with SHA-256 ${actual}, not ${sha256}: nothing written`);
    writeFileSync(options.output, bytes);
    console.log(`wrote ${options.output} (${bytes.length} bytes, SHA-256 checked)`);
  });
}

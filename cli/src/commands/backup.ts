import { Command } from 'commander';
import { loadConfig } from '@edoc/config';
import { backup } from '../backup/backup';
import { restore } from '../backup/restore';
import { printResult } from './output';

/** `edoc backup`: the database and every object, consistent with the audit chain. Run it where the services' database and storage are reachable. */
export function buildBackupCommand(): Command {
  return new Command('backup')
    .description("write a backup: one snapshot of the database (pg_dump) and every stored file and archive object with its SHA-256, consistent with the audit chain")
    .requiredOption('--out <folder>', 'a new or empty folder (keep it as safe as the database: it holds every document)')
    .option('--json', 'print the summary as JSON')
    .action(async (options: { out: string; json?: boolean }) => {
      const manifest = await backup(loadConfig(), options.out, (line) => process.stderr.write(`${line}\n`));
      printResult(options.json, { out: options.out, auditHead: manifest.auditHead, files: manifest.files.length, archive: manifest.archive.length }, () => [
        `backup in ${options.out}: the database, ${manifest.files.length} files, ${manifest.archive.length} archive objects; audit head ${manifest.auditHead.seq} (${manifest.auditHead.hash})`,
      ]);
    });
}

/** `edoc restore`: into an empty database and empty storage only. */
export function buildRestoreCommand(): Command {
  return new Command('restore')
    .description('load a backup into an empty database and empty storage (refused otherwise); every file is checked against the backup, and the audit chain must end where it did; then run `edoc audit verify`')
    .requiredOption('--from <folder>', 'a folder written by `edoc backup`')
    .option('--json', 'print the summary as JSON')
    .action(async (options: { from: string; json?: boolean }) => {
      const restored = await restore(loadConfig(), options.from, (line) => process.stderr.write(`${line}\n`));
      printResult(options.json, restored, () => [`restored ${restored.files} files and ${restored.archive} archive objects; the audit chain ends at ${restored.auditHead.seq} as in the backup. Start the services, then run \`edoc audit verify\`.`]);
    });
}

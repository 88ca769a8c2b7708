import { Command } from 'commander';
import { verifyPackage, TrustConfigurationError } from '@edoc/audit';
import { ApiClient, type ApiOptions } from '../http/api-client';
import { archivalApi, resolveTrust, type TrustOptions, withArchivalApiOptions, withTrustOptions } from './archive/archival-options';
import { exportPackage } from './archive/export-package';
import { problemLines } from './archive/print-problems';
import { printResult, table } from './output';

export function buildArchiveCommand(): Command {
  const archive = new Command('archive').description('the write-once archive: export packages, check them offline, review retention');
  archive.addCommand(buildExportCommand().exitOverride());
  archive.addCommand(buildVerifyPackageCommand().exitOverride());
  archive.addCommand(buildDisposalReviewCommand().exitOverride());
  return archive;
}

function buildExportCommand(): Command {
  return withTrustOptions(
    withArchivalApiOptions(
      new Command('export')
        .description("write a package of a unit's archived documents issued between two dates: PDFs, XML and JSON metadata, audit proofs, and a signed manifest with the SHA-256 of every file (an administrator: any unit; a clerk: their own)")
        .argument('<out>', 'a new or empty folder for the package')
        .requiredOption('--org <code>', 'organisation code of the issuing unit')
        .requiredOption('--from <date>', 'first date of issue, yyyy-MM-dd')
        .requiredOption('--to <date>', 'last date of issue, yyyy-MM-dd'),
    ),
  ).action(async (out: string, options: ApiOptions & TrustOptions & { org: string; from: string; to: string }) => {
    const written = await exportPackage(new ApiClient(archivalApi(options)), { org: options.org, from: options.from, to: options.to }, out);
    console.log(`wrote ${written.dir}: ${written.documents} document(s), ${written.files} files`);
    let trust;
    try {
      trust = resolveTrust(options);
    } catch (error) {
      if (!(error instanceof TrustConfigurationError)) throw error;
      console.log(`not verified here (${error.message}); check it with \`edoc archive verify-package\``);
      return;
    }
    const report = verifyPackage(written.dir, trust);
    if (report.ok) console.log(`verified: manifest signed by the archive, time-stamped ${report.signedAt}; ${report.entries} audit entries proven by ${report.checkpoints} checkpoint(s)`);
    else {
      for (const line of problemLines(report.problems, 'the package written does not verify')) console.error(line);
      process.exitCode = 1;
    }
  });
}

function buildVerifyPackageCommand(): Command {
  return withTrustOptions(
    new Command('verify-package')
      .description('check an export package offline, with no service running: signatures, checkpoints, audit proofs and the SHA-256 of every file; exit 1 naming the first problem')
      .argument('<dir>', 'the folder `edoc archive export` wrote')
      .option('--json', 'print the whole report as JSON'),
  ).action((dir: string, options: TrustOptions & { json?: boolean }) => {
    const report = verifyPackage(dir, resolveTrust(options));
    printResult(options.json, report, () => {
      const head = `package ${dir}: unit ${report.org ?? '?'}, ${report.from ?? '?'}..${report.to ?? '?'}, ${report.documents} document(s), ${report.files} files, ${report.entries} audit entries, ${report.checkpoints} checkpoint(s)`;
      return report.ok ? [head, `VALID: every file matches the manifest signed by the archive (time-stamped ${report.signedAt})`] : [head, ...problemLines(report.problems, 'INVALID')];
    });
    if (!report.ok) process.exitCode = 1;
  });
}

interface DisposalItem {
  documentId: string;
  edxmlDocumentId: string;
  retentionClass: string;
  retainUntil: string;
  listedAt: string | null;
}

function buildDisposalReviewCommand(): Command {
  return withArchivalApiOptions(
    new Command('disposal-review')
      .description('list archived documents past their retention, for a disposal review by people; nothing is deleted (administrator)')
      .option('--at <date>', 'list what is past retention at this date (default now)')
      .option('--json', 'print JSON'),
  ).action(async (options: ApiOptions & { at?: string; json?: boolean }) => {
    const query = options.at === undefined ? '' : `?at=${encodeURIComponent(options.at)}`;
    const answer = await new ApiClient(archivalApi(options)).json<{ at: string; items: DisposalItem[] }>('GET', `/archive/disposal-review${query}`);
    printResult(options.json, answer, () =>
      answer.items.length === 0
        ? [`nothing is past its retention at ${answer.at}`]
        : [
            `${answer.items.length} document(s) past retention at ${answer.at} (listed for review; nothing was deleted):`,
            ...table([['document', 'retention', 'until', 'listed'], ...answer.items.map((i) => [i.edxmlDocumentId || i.documentId, i.retentionClass, i.retainUntil.slice(0, 10), i.listedAt ?? ''])]),
          ],
    );
  });
}

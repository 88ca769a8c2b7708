import { Command } from 'commander';
import { ApiClient, type ApiOptions } from '../http/api-client';
import { archivalApi, resolveTrust, type TrustOptions, withArchivalApiOptions, withTrustOptions } from './archive/archival-options';
import { problemLines } from './archive/print-problems';
import { verifyAuditTrail } from './audit/verify-audit-trail';
import { printResult } from './output';

export function buildAuditCommand(): Command {
  const audit = new Command('audit').description('the tamper-evident audit trail of the archive');
  audit.addCommand(
    withTrustOptions(
      withArchivalApiOptions(
        new Command('verify')
          .description('check the audit chain, its signed checkpoints and every archived object against their hashes; exit 1 at the first break (administrator)')
          .option('--no-objects', 'skip re-reading and hashing the archived objects')
          .option('--json', 'print the whole report as JSON'),
      ),
    ).action(async (options: ApiOptions & TrustOptions & { objects: boolean; json?: boolean }) => {
      const trust = resolveTrust(options);
      const report = await verifyAuditTrail(new ApiClient(archivalApi(options)), trust, { objects: options.objects });
      printResult(options.json, report, () => {
        const last = report.lastCheckpoint;
        const lines = [
          `audit chain: ${report.entries} entries about ${report.documents} documents, head ${report.head?.hash ?? '(empty)'}`,
          last === undefined
            ? 'checkpoints: none yet'
            : `checkpoints: ${report.checkpoints}, the last (${last.number}) signed entries up to ${last.lastSeq}, time-stamped ${last.timestampedAt ?? '(invalid)'}`,
          `entries not yet under a checkpoint: ${report.uncheckpointed}`,
          `archived objects checked: ${report.objectsChecked}`,
        ];
        return report.ok ? [...lines, 'INTACT: no break found'] : [...lines, ...problemLines(report.problems, 'BROKEN: first break')];
      });
      if (!report.ok) process.exitCode = 1;
    }).exitOverride(),
  );
  return audit;
}

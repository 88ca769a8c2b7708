import { Command, InvalidArgumentError } from 'commander';
import { ApiClient, type ApiOptions } from '../http/api-client';
import { archivalApi, resolveTrust, type TrustOptions, withArchivalApiOptions, withTrustOptions } from './archive/archival-options';
import { AUDIT_EXIT_CODES, AUDIT_EXIT_HELP, verdictLines, verdictOf } from './audit/audit-verdict';
import { verifyAuditTrail } from './audit/verify-audit-trail';
import { printResult } from './output';

/** Five minutes: archiving a document (files, then record and entry) takes seconds, even under load. */
const PENDING_WARNING_AFTER_SECONDS = 300;

export function buildAuditCommand(): Command {
  const audit = new Command('audit').description('the tamper-evident audit trail of the archive');
  audit.addCommand(
    withTrustOptions(
      withArchivalApiOptions(
        new Command('verify')
          .description('check the audit chain, its signed checkpoints and every archived object against their hashes; exit 1 at the first break (administrator)')
          .option('--no-objects', 'skip re-reading and hashing the archived objects')
          .option('--pending-warning-after <seconds>', 'warn (exit 2) about a document archived this long ago and still not in the chain', wholeSeconds, PENDING_WARNING_AFTER_SECONDS)
          .option('--json', 'print the whole report as JSON')
          .addHelpText('after', AUDIT_EXIT_HELP),
      ),
    ).action(async (options: ApiOptions & TrustOptions & { objects: boolean; pendingWarningAfter: number; json?: boolean }) => {
      const trust = resolveTrust(options);
      const report = await verifyAuditTrail(new ApiClient(archivalApi(options)), trust, { objects: options.objects, pendingWarningAfterSeconds: options.pendingWarningAfter });
      const verdict = verdictOf(report);
      printResult(options.json, { ...report, verdict }, () => {
        const last = report.lastCheckpoint;
        return [
          `audit chain: ${report.entries} entries about ${report.documents} documents, head ${report.head?.hash ?? '(empty)'}`,
          last === undefined
            ? 'checkpoints: none yet'
            : `checkpoints: ${report.checkpoints}, the last (${last.number}) signed entries up to ${last.lastSeq}, time-stamped ${last.timestampedAt ?? '(invalid)'}`,
          `entries not yet under a checkpoint: ${report.uncheckpointed}`,
          `archived objects checked: ${report.objectsChecked}`,
          ...verdictLines(report),
        ];
      });
      process.exitCode = AUDIT_EXIT_CODES[verdict];
    }).exitOverride(),
  );
  return audit;
}

function wholeSeconds(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected a whole number of seconds');
  return Number(value);
}

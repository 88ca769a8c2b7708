import { Command, CommanderError } from 'commander';
import { buildArchiveCommand } from './commands/archive';
import { buildAuditCommand } from './commands/audit';
import { buildBackupCommand, buildRestoreCommand } from './commands/backup';
import { buildDlqCommand } from './commands/dlq';
import { buildDownloadCommand } from './commands/download';
import { buildEdxmlCommand } from './commands/edxml';
import { buildInboxCommand } from './commands/inbox';
import { buildLoginCommand, buildLogoutCommand } from './commands/login';
import { buildKeysCommand, buildUsersCommand } from './commands/users';
import { buildMetricsCommand } from './commands/metrics';
import { buildPkiCommand } from './commands/pki';
import { buildProvisionCommand } from './commands/provision';
import { buildReportCommand } from './commands/report';
import { buildSendCommand } from './commands/send';
import { buildSignCommand } from './commands/sign';
import { buildSignRequestsCommand } from './commands/sign-requests';
import { buildStatusCommand } from './commands/status';
import { buildUpCommand } from './commands/up';
import { buildVerifyCommand } from './commands/verify';
import { buildWardCommand } from './commands/ward';

export function buildProgram(): Command {
  const program = new Command('edoc')
    .description('edoc: the e-document exchange of a district, its departments and its wards')
    .showHelpAfterError()
    .exitOverride();
  for (const command of [buildUpCommand(), buildProvisionCommand(), buildLoginCommand(), buildLogoutCommand(), buildUsersCommand(), buildKeysCommand(), buildSendCommand(), buildSignRequestsCommand(), buildInboxCommand(), buildStatusCommand(), buildReportCommand(), buildDownloadCommand(), buildSignCommand(), buildVerifyCommand(), buildEdxmlCommand(), buildPkiCommand(), buildWardCommand(), buildDlqCommand(), buildMetricsCommand(), buildAuditCommand(), buildArchiveCommand(), buildBackupCommand(), buildRestoreCommand()]) {
    program.addCommand(command.exitOverride());
  }
  return program;
}

/** Runs the command line; bin/edoc.js calls it. */
export async function run(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    console.error(`edoc: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}


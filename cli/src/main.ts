import { Command, CommanderError } from 'commander';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when the command runs, see COMMANDS
const load = <T>(path: string): T => require(path) as T;

/**
 * Each command's module, loaded only when that command runs: between them they bring NestJS, the
 * storage clients, the PDF and audit libraries, about a second of CPU that `edoc status` or
 * `edoc send` has no use for. `edoc --help` (or a name that is not here) still loads them all.
 */
const COMMANDS: Record<string, () => Command> = {
  up: () => load<typeof import('./commands/up')>('./commands/up').buildUpCommand(),
  provision: () => load<typeof import('./commands/provision')>('./commands/provision').buildProvisionCommand(),
  login: () => load<typeof import('./commands/login')>('./commands/login').buildLoginCommand(),
  logout: () => load<typeof import('./commands/login')>('./commands/login').buildLogoutCommand(),
  users: () => load<typeof import('./commands/users')>('./commands/users').buildUsersCommand(),
  keys: () => load<typeof import('./commands/users')>('./commands/users').buildKeysCommand(),
  send: () => load<typeof import('./commands/send')>('./commands/send').buildSendCommand(),
  'sign-requests': () => load<typeof import('./commands/sign-requests')>('./commands/sign-requests').buildSignRequestsCommand(),
  inbox: () => load<typeof import('./commands/inbox')>('./commands/inbox').buildInboxCommand(),
  status: () => load<typeof import('./commands/status')>('./commands/status').buildStatusCommand(),
  report: () => load<typeof import('./commands/report')>('./commands/report').buildReportCommand(),
  download: () => load<typeof import('./commands/download')>('./commands/download').buildDownloadCommand(),
  sign: () => load<typeof import('./commands/sign')>('./commands/sign').buildSignCommand(),
  verify: () => load<typeof import('./commands/verify')>('./commands/verify').buildVerifyCommand(),
  edxml: () => load<typeof import('./commands/edxml')>('./commands/edxml').buildEdxmlCommand(),
  pki: () => load<typeof import('./commands/pki')>('./commands/pki').buildPkiCommand(),
  ward: () => load<typeof import('./commands/ward')>('./commands/ward').buildWardCommand(),
  dlq: () => load<typeof import('./commands/dlq')>('./commands/dlq').buildDlqCommand(),
  metrics: () => load<typeof import('./commands/metrics')>('./commands/metrics').buildMetricsCommand(),
  audit: () => load<typeof import('./commands/audit')>('./commands/audit').buildAuditCommand(),
  archive: () => load<typeof import('./commands/archive')>('./commands/archive').buildArchiveCommand(),
  backup: () => load<typeof import('./commands/backup')>('./commands/backup').buildBackupCommand(),
  restore: () => load<typeof import('./commands/backup')>('./commands/backup').buildRestoreCommand(),
};

/** The names `edoc` takes, in the order its help lists them. */
export const COMMAND_NAMES = Object.keys(COMMANDS);

/** The program with every command, or only `only` when it names one (what `run` does for a command line). */
export function buildProgram(only?: string): Command {
  const program = new Command('edoc')
    .description('edoc: the e-document exchange of a district, its departments and its wards')
    .showHelpAfterError()
    .exitOverride();
  // Own names only: `in` would take constructor or __proto__ from Object's prototype for a command.
  const names = only !== undefined && Object.hasOwn(COMMANDS, only) ? [only] : COMMAND_NAMES;
  for (const name of names) program.addCommand((COMMANDS[name] as () => Command)().exitOverride());
  return program;
}

/** Runs the command line; bin/edoc.js calls it. */
export async function run(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram(argv[2]).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    console.error(`edoc: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

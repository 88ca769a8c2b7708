import { Command } from 'commander';
import { buildWardReportCommand } from './ward/report';
import { buildWardWatchCommand } from './ward/watch';

/** `edoc ward ...`: what a ward's own system does, for demos and as a reference client. */
export function buildWardCommand(): Command {
  const ward = new Command('ward').description("act as a ward's own system: consume its queue (watch) and report status (report); see docs/ward-integration.md");
  for (const command of [buildWardWatchCommand(), buildWardReportCommand()]) ward.addCommand(command.exitOverride());
  return ward;
}

import { Command } from 'commander';
import { buildRebuildCommand } from './metrics/rebuild';
import { buildShowCommand } from './metrics/show';

/** `edoc metrics ...`: the coverage figures of the district (administrators). */
export function buildMetricsCommand(): Command {
  const command = new Command('metrics').description('coverage figures: electronic share, same-day receipts, on-time handling');
  for (const sub of [buildShowCommand(), buildRebuildCommand()]) command.addCommand(sub.exitOverride());
  return command;
}

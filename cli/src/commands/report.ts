import { Command } from 'commander';
import { ApiClient } from '../http/api-client';
import { withApiOptions } from './api-options';

export function buildReportCommand(): Command {
  return withApiOptions(
    new Command('report')
      .description('report the status of a delivery your unit received: 02 refused, 03 accepted, 04 assigned, 05 in progress, 06 completed, 14/16 answer a recall')
      .argument('<delivery-id>')
      .argument('<status>', 'two-digit edXML status code')
      .option('--reason <text>', 'required with 02 and 16'),
  ).action(async (deliveryId: string, status: string, options: { reason?: string; url?: string; token?: string; as?: string }) => {
    await new ApiClient(options).json('POST', `/inbox/${encodeURIComponent(deliveryId)}/status`, { status, reason: options.reason ?? '' });
    console.log(`reported ${status} for ${deliveryId}`);
  });
}

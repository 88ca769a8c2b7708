import { Command } from 'commander';
import { ApiClient } from '../http/api-client';
import { withApiOptions } from './api-options';
import { printResult, table } from './output';

export interface InboxItem {
  deliveryId: string;
  documentId: string;
  senderCode: string;
  senderName: string;
  numberNotation: string;
  subject: string;
  arrivalNumber: number | null;
  arrivedAt: string;
  status: string | null;
  file: { sha256: string; size: number };
}

export function buildInboxCommand(): Command {
  return withApiOptions(
    new Command('inbox').description("list the documents that arrived in your unit's built-in inbox").option('--json', 'print JSON'),
  ).action(async (options: { json?: boolean; url?: string; token?: string; as?: string }) => {
    const answer = await new ApiClient(options).json<{ items: InboxItem[] }>('GET', '/inbox');
    printResult(options.json, answer, () =>
      answer.items.length === 0
        ? ['the inbox is empty']
        : table([
            ['ARRIVAL', 'STATUS', 'NUMBER', 'FROM', 'SUBJECT', 'DELIVERY'],
            ...answer.items.map((item) => [String(item.arrivalNumber ?? '-'), item.status ?? '-', item.numberNotation, item.senderName, item.subject.slice(0, 50), item.deliveryId]),
          ]),
    );
  });
}

import { Command } from 'commander';
import { ApiClient } from '../http/api-client';
import { withApiOptions } from './api-options';
import { printResult, table } from './output';

interface DocumentView {
  documentId: string;
  state: string;
  numberNotation: string | null;
  subject: string;
  failure: { stage: string; reason: string } | null;
  deliveries: { recipientCode: string; recipientName: string; channel: string; status: string | null; updatedAt: string }[];
}

export function buildStatusCommand(): Command {
  return withApiOptions(
    new Command('status').description('show a document you sent and the status of each recipient').argument('<document-id>').option('--json', 'print JSON'),
  ).action(async (documentId: string, options: { json?: boolean; url?: string; token?: string; as?: string }) => {
    const doc = await new ApiClient(options).json<DocumentView>('GET', `/documents/${encodeURIComponent(documentId)}`);
    printResult(options.json, doc, () => [
      `${doc.numberNotation ?? '(not numbered yet)'}  ${doc.state}  ${doc.subject}`,
      ...(doc.failure ? [`failed at ${doc.failure.stage}: ${doc.failure.reason}`] : []),
      ...table([['RECIPIENT', 'NAME', 'CHANNEL', 'STATUS'], ...doc.deliveries.map((d) => [d.recipientCode, d.recipientName, d.channel, d.status ?? 'sent'])]),
    ]);
  });
}

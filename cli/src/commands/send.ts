import { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ApiClient } from '../http/api-client';
import { withApiOptions } from './api-options';
import { collect, printResult } from './output';

interface SendOptions {
  to: string;
  subject: string;
  signer: string;
  type: string;
  urgency?: string;
  due?: string;
  attach: string[];
  draftingUnit?: string;
  responseFor?: string;
  place?: string;
  idempotencyKey?: string;
  revises?: string;
  json?: boolean;
  url?: string;
  token?: string;
  as?: string;
}


export function buildSendCommand(): Command {
  return withApiOptions(
    new Command('send')
      .description('submit a PDF for its signer to approve; then it is signed, numbered and sent to its recipients')
      .argument('<file>', 'the document, a PDF')
      .requiredOption('--to <codes>', 'recipients: organisation codes or groups (all-wards, all-departments), comma separated')
      .requiredOption('--subject <text>', 'trích yếu, at most 500 characters')
      .requiredOption('--signer <user>', 'username of the competent person who signs')
      .option('--type <abbr>', 'document type abbreviation (CV, QĐ, TB, KH, BC, ...)', 'CV')
      .option('--urgency <level>', 'normal, khẩn, thượng khẩn, hỏa tốc, hỏa tốc hẹn giờ')
      .option('--due <date>', 'reply deadline, yyyy-mm-dd')
      .option('--attach <file>', 'an attachment in a separate file (repeatable)', collect, [])
      .option('--drafting-unit <abbr>', 'abbreviation of the drafting unit, last part of the notation (e.g. VP)')
      .option('--response-for <id>', 'edXML id of the document this one answers')
      .option('--place <name>', 'place of issue')
      .option('--revises <document-id>', 'the document its signer returned, of which this is the revision')
      .option('--idempotency-key <key>', 'send again with the same key after a lost answer: you get the first document back, not a second one (default: a new key)')
      .option('--json', 'print the answer as JSON'),
  ).action(async (file: string, options: SendOptions) => {
    const form = new FormData();
    const metadata = {
      type: options.type,
      subject: options.subject,
      recipients: options.to.split(',').map((code) => code.trim()),
      signer: options.signer,
      urgency: options.urgency,
      dueDate: options.due,
      draftingUnit: options.draftingUnit,
      responseFor: options.responseFor,
      place: options.place,
      revises: options.revises,
    };
    form.append('metadata', JSON.stringify(metadata));
    form.append('file', fileBlob(file), basename(file));
    for (const attachment of options.attach) form.append('attachments', fileBlob(attachment), basename(attachment));
    const size = [file, ...options.attach].reduce((sum, path) => sum + statSync(path).size, 0);
    if (!options.json) process.stderr.write(`uploading ${(size / 1024 / 1024).toFixed(1)} MB ...\n`);
    const idempotencyKey = options.idempotencyKey ?? randomUUID();
    const answer = await new ApiClient(options).form<{ documentId: string; state: string; recipients: string[] }>('/documents', form, { 'idempotency-key': idempotencyKey });
    printResult(options.json, answer, () => [
      `submitted ${answer.documentId} (${answer.state}) for ${answer.recipients.length} recipient(s)`,
      `it waits for ${options.signer}, who approves it with: edoc sign-requests approve ${answer.documentId}`,
      `follow it with: edoc status ${answer.documentId}`,
    ]);
  });
}

function fileBlob(path: string): Blob {
  return new Blob([readFileSync(path)], { type: 'application/pdf' });
}

import { Command, InvalidArgumentError } from 'commander';
import { ApiClient } from '../http/api-client';
import { withAuthOptions } from './api-options';
import { printResult, table } from './output';
import { approveWithToken, type TokenOptions } from './signing/token-approval';

interface Placement {
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

function parsePlace(value: string): Placement {
  const parts = value.split(',').map((part) => Number(part.trim()));
  if (parts.length !== 5 || parts.some((n) => !Number.isFinite(n))) throw new InvalidArgumentError('five numbers: page,x,y,width,height (e.g. 1,320,120,210,80)');
  const [page, x, y, width, height] = parts;
  return { page, x, y, width, height };
}

function parseSlot(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('a slot is a number (0 is the first slot holding a token)');
  return Number(value);
}

interface RequestView {
  documentId: string;
  state: string;
  typeCode: string;
  subject: string;
  urgency: string;
  signer: { username: string; fullName: string };
  submittedBy: string | null;
  requestedAt: string;
  overdue: boolean;
  files: { role: string; fileName: string; sha256: string; size: number }[];
  revises: string | null;
  approval: { approvedBy: string; approvedAt: string; keyHolder: string; certificateSha256: string } | null;
  returned: { by: string; comment: string; at: string } | null;
  failureReason: string | null;
}

interface Options {
  url?: string;
  token?: string;
  as?: string;
  identityUrl?: string;
  json?: boolean;
}

/** The signing service's API: the sign-requests routes live there. */
function withSigningOptions(command: Command): Command {
  return withAuthOptions(command.option('--url <url>', 'signing HTTP API (default $EDOC_SIGNING_URL or http://127.0.0.1:3001)').option('--json', 'print JSON'));
}

function client(options: Options): ApiClient {
  return new ApiClient({ ...options, url: options.url ?? process.env.EDOC_SIGNING_URL ?? 'http://127.0.0.1:3001' });
}

function describe(request: RequestView): string[] {
  return [
    `${request.documentId}  ${request.state}${request.overdue ? ' (OVERDUE)' : ''}  ${request.typeCode}  ${request.urgency}`,
    `  ${request.subject}`,
    `  signer ${request.signer.username} (${request.signer.fullName}), submitted by ${request.submittedBy ?? '?'} at ${request.requestedAt}`,
    ...(request.revises === null ? [] : [`  revises ${request.revises}`]),
    ...request.files.map((f) => `  ${f.role} ${f.fileName} (${f.size} bytes): edoc download ${f.sha256}`),
    ...(request.approval === null ? [] : [`  approved by ${request.approval.approvedBy} at ${request.approval.approvedAt} (key: ${request.approval.keyHolder})`]),
    ...(request.returned === null ? [] : [`  returned by ${request.returned.by} at ${request.returned.at}: ${request.returned.comment}`]),
    ...(request.failureReason === null ? [] : [`  failed: ${request.failureReason}`]),
  ];
}

/** `edoc sign-requests`: the signer reads what waits for them, then approves it or returns it. */
export function buildSignRequestsCommand(): Command {
  const command = new Command('sign-requests').description("documents waiting for their signer: list, show, approve (the signature follows) or return to the drafting clerk");
  command.addCommand(
    withSigningOptions(new Command('list').description('requests waiting for you (as a signer), or your unit\'s (as a clerk)').option('--state <states>', 'awaiting_signature, approved, returned, person_signed, issued, failed (comma-separated) or all')).action(
      async (options: Options & { state?: string }) => {
        const query = options.state === undefined ? '' : `?state=${encodeURIComponent(options.state)}`;
        const { items } = await client(options).json<{ items: RequestView[] }>('GET', `/sign-requests${query}`);
        printResult(options.json, items, () =>
          items.length === 0
            ? ['no signature requests']
            : table([['DOCUMENT', 'STATE', 'URGENCY', 'SIGNER', 'REQUESTED', 'SUBJECT'], ...items.map((r) => [r.documentId, r.state + (r.overdue ? ' (OVERDUE)' : ''), r.urgency, r.signer.username, r.requestedAt.slice(0, 16), r.subject.slice(0, 60)])]),
        );
      },
    ),
  );
  command.addCommand(
    withSigningOptions(new Command('show').description('one request, its files and its answer').argument('<document-id>')).action(async (documentId: string, options: Options) => {
      const request = await client(options).json<RequestView>('GET', `/sign-requests/${encodeURIComponent(documentId)}`);
      printResult(options.json, request, () => describe(request));
    }),
  );
  command.addCommand(
    withSigningOptions(
      new Command('approve')
        .description('approve, as the signer named in the request: your signature is applied, then the document is numbered and issued')
        .argument('<document-id>')
        .option('--code <totp>', 'the 6-digit code of your authenticator app: needed when your key is in the HSM (remote signing) or you enrolled a second factor')
        .option('--place <page,x,y,width,height>', 'where your signature goes when the document prints no signature block (points from the bottom left)', parsePlace)
        .option('--pkcs11-module <library>', "sign with your own token (USB key) through this PKCS#11 library, e.g. the token maker's .so")
        .option('--slot <n>', 'the token: its slot among slots holding one (0 is the first)', (value) => parseSlot(value))
        .option('--token-label <label>', 'the token: its label (instead of --slot)')
        .option('--pin-env <var>', 'environment variable holding the token PIN')
        .option('--pin-file <file>', 'file holding the token PIN'),
    ).action(
      async (documentId: string, options: Options & { code?: string; place?: Placement } & Partial<TokenOptions>) => {
        const api = client(options);
        const request = (
          options.pkcs11Module === undefined
            ? await api.json<RequestView>('POST', `/sign-requests/${encodeURIComponent(documentId)}/approve`, { ...(options.code === undefined ? {} : { code: options.code }), ...(options.place === undefined ? {} : { placement: options.place }) })
            : await approveWithToken(api, documentId, { ...(options as TokenOptions), placement: options.place }, (line) => process.stderr.write(`${line}\n`))
        ) as RequestView;
        printResult(options.json, request, () => [`approved ${request.documentId}: the signature, the number and the organisation's seal follow`, `follow it with: edoc status ${request.documentId}`]);
      },
    ),
  );
  command.addCommand(
    withSigningOptions(new Command('return').description('send the request back to the drafting clerk, saying what to change').argument('<document-id>').requiredOption('--comment <text>', 'what the clerk should change')).action(
      async (documentId: string, options: Options & { comment: string }) => {
        const request = await client(options).json<RequestView>('POST', `/sign-requests/${encodeURIComponent(documentId)}/return`, { comment: options.comment });
        printResult(options.json, request, () => [`returned ${request.documentId} to ${request.submittedBy ?? 'its clerk'}`, `a revision is sent with: edoc send ... --revises ${request.documentId}`]);
      },
    ),
  );
  command.addCommand(
    withSigningOptions(new Command('enrol-totp').description('enrol an authenticator app as your second factor (TOTP): prints the secret and its otpauth:// URI once')).action(async (options: Options) => {
      const enrolment = await client(options).json<{ secret: string; uri: string }>('POST', '/second-factor/enrol', {});
      printResult(options.json, enrolment, () => [`secret: ${enrolment.secret}`, `uri:    ${enrolment.uri}`, 'add it to your authenticator app, then: edoc sign-requests confirm-totp <code>']);
    }),
  );
  command.addCommand(
    withSigningOptions(new Command('confirm-totp').description('confirm the enrolment with the first code your app shows').argument('<code>')).action(async (code: string, options: Options) => {
      const answer = await client(options).json<{ username: string }>('POST', '/second-factor/confirm', { code });
      printResult(options.json, answer, () => [`second factor of ${answer.username} confirmed: approvals now need a code (--code)`]);
    }),
  );
  command.addCommand(
    withSigningOptions(new Command('reset-totp').description("as an administrator of the signer's unit: remove a signer's second factor (lost phone, lockout)").argument('<username>')).action(
      async (username: string, options: Options) => {
        const answer = await client(options).json<{ username: string }>('DELETE', `/second-factor/${encodeURIComponent(username)}`);
        printResult(options.json, answer, () => [`second factor of ${answer.username} removed: the signer enrols again`]);
      },
    ),
  );
  return command;
}

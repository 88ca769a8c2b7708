import { Command } from 'commander';
import { type SignatureReport, type TrustOptions, type VerificationReport, exitCodeFor, verifyPdf, verifyPdfOnline } from '@edoc/pdf-sign';
import { OnlineRevocation } from '@edoc/pki';
import { collect, printResult } from './output';
import { parseTime } from './signing/sign-options';
import { readText } from './signing/secret-input';

/**
 * `edoc verify`: every signature of a PDF with an ETSI EN 319 102-1 indication. Exit code 0 when
 * all passed, 1 when any failed, 2 otherwise (indeterminate, no signature, or an unreadable file).
 */
export function buildVerifyCommand(): Command {
  return new Command('verify')
    .description('verify the signatures of PDFs against trusted CA certificates')
    .argument('<files...>', 'PDFs to verify (each gets its own report; the exit code is the worst of them)')
    .requiredOption('--trust <pem>', 'trusted root CA certificate (PEM); repeat for several', collect)
    .option('--crl <pem>', 'CRL to check revocation against; repeat for several', collect)
    .option('--require-revocation', 'treat an unknown revocation status as INDETERMINATE')
    .option('--offline', "do not fetch revocation data that is neither given (--crl) nor in the file from the CRL distribution points and OCSP responders a trusted certificate names")
    .option('--at <iso>', 'validation time (default now)')
    .option('--json', 'print the full report as JSON (an array of { file, report } or { file, error } for several files)')
    .action(async (files: string[], o: { trust: string[]; crl?: string[]; requireRevocation?: boolean; offline?: boolean; at?: string; json?: boolean }) => {
      const trust = {
        anchorsPem: o.trust.map((t) => readText(t, 'trust anchor')),
        crlsPem: (o.crl ?? []).map((c) => readText(c, 'CRL')),
        requireRevocation: o.requireRevocation,
        at: o.at ? parseTime(o.at, '--at') : undefined,
      };
      const online = o.offline ? undefined : new OnlineRevocation();
      const outcomes: Outcome[] = [];
      // One at a time: each reads its file in blocks, and the files share the fetched CRLs.
      for (const file of files) outcomes.push(await verifyOne(file, trust, online));
      const printed = files.length === 1 && outcomes[0]!.report !== undefined ? outcomes[0]!.report : outcomes.map(({ file, report, error }) => (report ? { file, report } : { file, error }));
      if (files.length > 1 || outcomes[0]!.report !== undefined) printResult(o.json, printed, () => outcomes.flatMap((outcome) => [...(files.length > 1 ? [`== ${outcome.file}`] : []), ...describeOutcome(outcome)]));
      process.exitCode = Math.max(...outcomes.map((outcome) => outcome.exitCode));
    });
}

interface Outcome {
  file: string;
  report?: VerificationReport;
  error?: string;
  exitCode: number;
}

async function verifyOne(file: string, trust: TrustOptions, online: OnlineRevocation | undefined): Promise<Outcome> {
  try {
    // Given the path, verifyPdf reads the file in blocks: a 500 MB PDF costs no more than a small one.
    const report = online ? await verifyPdfOnline(file, trust, online) : verifyPdf(file, trust);
    return { file, report, exitCode: exitCodeFor(report) };
  } catch (e) {
    // Nothing could be verified: that is indeterminate (2), not a failed signature (1).
    console.error(`edoc verify: ${file}: ${(e as Error).message}`);
    return { file, error: (e as Error).message, exitCode: 2 };
  }
}

function describeOutcome({ file, report, error }: Outcome): string[] {
  if (report === undefined) return [`${file}: not verified: ${error ?? 'unknown error'}`];
  return [
    ...(report.damaged ? [`${file}: damaged cross-reference data, read by rebuilding it from the objects in the file (${report.damaged.reason})`] : []),
    ...(report.signatures.length ? report.signatures.flatMap(describe) : [`${file}: no signatures`]),
    ...(report.onlineRevocation ?? []).map((fetch) => `  revocation data from ${fetch.url}: ${fetch.outcome}`),
  ];
}

function describe(s: SignatureReport): string[] {
  const who = s.signer ? `${s.signer.commonName ?? s.signer.subject}${s.signer.orgCode ? ` (${s.signer.orgCode})` : ''}` : 'unknown signer';
  const lines = [
    `${s.fieldName}: ${s.indication}${s.subIndication ? ` / ${s.subIndication}` : ''}`,
    s.kind === 'document-timestamp' ? `  document time-stamp by ${s.timestamp?.tsa ?? 'an unknown TSA'}` : `  signer    ${who}`,
    `  time      ${s.signingTime ?? 'unknown'} (${s.signingTimeSource})`,
    `  coverage  ${s.coversWholeFile ? 'whole file' : `first ${s.signedLength} bytes (later revisions follow)`}`,
  ];
  for (const c of s.checks.filter((x) => x.status === 'fail')) lines.push(`  ✗ ${c.name}: ${c.detail}`);
  return lines;
}

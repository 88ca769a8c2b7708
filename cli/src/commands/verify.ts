import { Command } from 'commander';
import { type SignatureReport, exitCodeFor, verifyPdf } from '@edoc/pdf-sign';
import { printResult } from './output';
import { parseTime } from './signing/sign-options';
import { readBinary, readText } from './signing/secret-input';

/**
 * `edoc verify`: every signature of a PDF with an ETSI EN 319 102-1 indication. Exit code 0 when
 * all passed, 1 when any failed, 2 otherwise (indeterminate, no signature, or an unreadable file).
 */
export function buildVerifyCommand(): Command {
  return new Command('verify')
    .description('verify the signatures of a PDF against trusted CA certificates')
    .argument('<file>', 'PDF to verify')
    .requiredOption('--trust <pem>', 'trusted root CA certificate (PEM); repeat for several', collect)
    .option('--crl <pem>', 'CRL to check revocation against; repeat for several', collect)
    .option('--require-revocation', 'treat an unknown revocation status as INDETERMINATE')
    .option('--at <iso>', 'validation time (default now)')
    .option('--json', 'print the full report as JSON')
    .action((file: string, o: { trust: string[]; crl?: string[]; requireRevocation?: boolean; at?: string; json?: boolean }) => {
      let report;
      try {
        report = verifyPdf(readBinary(file, 'PDF'), {
          anchorsPem: o.trust.map((t) => readText(t, 'trust anchor')),
          crlsPem: (o.crl ?? []).map((c) => readText(c, 'CRL')),
          requireRevocation: o.requireRevocation,
          at: o.at ? parseTime(o.at, '--at') : undefined,
        });
      } catch (e) {
        // Nothing could be verified: that is indeterminate (2), not a failed signature (1).
        console.error(`edoc verify: ${(e as Error).message}`);
        process.exitCode = 2;
        return;
      }
      printResult(o.json, report, () => (report.signatures.length ? report.signatures.flatMap(describe) : [`${file}: no signatures`]));
      process.exitCode = exitCodeFor(report);
    });
}

function describe(s: SignatureReport): string[] {
  const who = s.signer ? `${s.signer.commonName ?? s.signer.subject}${s.signer.orgCode ? ` (${s.signer.orgCode})` : ''}` : 'unknown signer';
  const lines = [
    `${s.fieldName}: ${s.indication}${s.subIndication ? ` / ${s.subIndication}` : ''}`,
    `  signer    ${who}`,
    `  time      ${s.signingTime ?? 'unknown'} (${s.signingTimeSource})`,
    `  coverage  ${s.coversWholeFile ? 'whole file' : `first ${s.signedLength} bytes (later revisions follow)`}`,
  ];
  for (const c of s.checks.filter((x) => x.status === 'fail')) lines.push(`  ✗ ${c.name}: ${c.detail}`);
  return lines;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

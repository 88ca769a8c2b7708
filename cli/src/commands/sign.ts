import { Command, InvalidArgumentError, Option } from 'commander';
import { signPdfFile } from '@edoc/pdf-sign';
import { collect, printResult } from './output';
import { type SignCliOptions, appearanceFrom, identityFrom, parseTime, timestampFrom } from './signing/sign-options';

/** `edoc sign`: one PAdES signature appended to a PDF as an incremental update. */
export function buildSignCommand(): Command {
  return new Command('sign')
    .description('sign a PDF (PAdES, incremental update): the person, the organisation, or an attachment')
    .argument('<input>', 'PDF to sign')
    .requiredOption('-o, --output <file>', 'signed PDF to write (may be the input)')
    .option('--cert <pem>', 'signer certificate (PEM)')
    .option('--key <pem>', 'signer private key (PEM)')
    .option('--chain <pem>', 'CA certificate to embed; repeat for several', collect)
    .option('--key-passphrase-env <var>', 'environment variable holding the key passphrase')
    .option('--p12 <file>', 'signer certificate and key as PKCS#12')
    .option('--password-env <var>', 'environment variable holding the PKCS#12 password')
    .option('--password-file <file>', 'file holding the PKCS#12 password')
    .addOption(new Option('--appearance <kind>', 'what the signature shows').choices(['person', 'organisation', 'attachment', 'invisible']).default('invisible'))
    .option('--competence <text>', 'person: competence line, e.g. "TM. ỦY BAN NHÂN DÂN"')
    .option('--position <text>', 'person: position, e.g. "CHỦ TỊCH"')
    .option('--name <text>', 'person: full name')
    .option('--image <png>', 'person: handwritten signature image')
    .option('--seal <png>', 'organisation: seal image')
    .option('--seal-size <pt>', 'organisation: seal width in points', parseNumber)
    .option('--number <text>', 'organisation/attachment: number and notation, e.g. 123/UBND-VP')
    .option('--issued-date <text>', 'organisation: date of issue as printed')
    .option('--org-name <text>', 'organisation/attachment: organisation name')
    .option('--time <iso>', 'attachment: time shown (default now)')
    .option('--page <n>', 'page (1-based)', parseNumber)
    .option('--rect <x,y,w,h>', 'box in points from the bottom left of the page', parseRect)
    .option('--reason <text>', 'reason for signing')
    .option('--location <text>', 'place of signing')
    .option('--field-name <name>', 'signature field name')
    .option('--signing-time <iso>', 'time written to /M (default now)')
    .option('--tsa-url <url>', 'RFC 3161 time-stamp authority (PAdES B-T)')
    .option('--tsa-cert <pem>', 'run a local time-stamp authority with this certificate')
    .option('--tsa-key <pem>', '... and this key')
    .option('--signature-size <bytes>', 'bytes to reserve for the signature', parseNumber)
    .option('--no-repair', 'refuse a file whose cross-reference data is damaged instead of rewriting it before signing')
    .option('--json', 'print JSON')
    .action(async (input: string, o: SignCliOptions & { repair: boolean }) => {
      const result = await signPdfFile(input, o.output, {
        identity: identityFrom(o),
        appearance: appearanceFrom(o),
        timestamp: timestampFrom(o),
        signingTime: o.signingTime ? parseTime(o.signingTime, '--signing-time') : undefined,
        reason: o.reason,
        location: o.location,
        fieldName: o.fieldName,
        signatureSize: o.signatureSize,
        repairDamaged: o.repair,
      });
      printResult(o.json, result, () => [
        `signed ${input} → ${result.outputPath} (field ${result.fieldName}, ${result.bytesWritten} bytes)`,
        // The output is a rewrite, not the input plus an update: say so, and why.
        ...(result.repaired ? [`repaired first: ${result.repaired.reason}; the signed file is a rewritten copy`] : []),
      ]);
    });
}

function parseNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
}

function parseRect(v: string): [number, number, number, number] {
  const parts = v.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 4 || !parts.every(Number.isFinite)) throw new InvalidArgumentError('expected x,y,width,height in points');
  return parts as [number, number, number, number];
}

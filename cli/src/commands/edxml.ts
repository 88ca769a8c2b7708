import { Command } from 'commander';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readPackage, signPackage } from '@edoc/edxml';
import { ApiClient } from '../http/api-client';
import { withApiOptions } from './api-options';
import { collect, printResult } from './output';
import { readText } from './signing/secret-input';

/** `edoc edxml`: packages of the national document axis (QCVN 102:2016). */
export function buildEdxmlCommand(): Command {
  const edxml = new Command('edxml').description('edXML packages for the national document axis (QCVN 102:2016)');
  edxml.addCommand(
    withApiOptions(
      new Command('export')
        .description("write an issued document as a signed edXML package (the issuing unit's clerks and administrators)")
        .argument('<documentId>', "edoc's id of the document")
        .requiredOption('-o, --output <file>', 'where to write the package')
        .requiredOption('--key <pem>', "the organisation's private key for the axis (PEM, RSA)")
        .requiredOption('--cert <pem>', 'its certificate (PEM), written into the signature')
        .option('--chain <pem>', 'a CA certificate to write beside it, linking it to the root a receiver trusts; repeat for several', collect),
    ).action(async (documentId: string, o: { output: string; key: string; cert: string; chain?: string[]; url?: string; token?: string; as?: string }) => {
      const signer = { privateKeyPem: readText(o.key, 'private key'), certificatePem: readText(o.cert, 'certificate'), chainPem: (o.chain ?? []).map((c) => readText(c, 'CA certificate')) };
      const unsigned = (await new ApiClient(o).bytes(`/documents/${encodeURIComponent(documentId)}/edxml`)).toString('utf8');
      const signed = signPackage(unsigned, signer);
      const output = resolve(o.output);
      // Written beside the output and renamed: a package appears whole or not at all.
      const part = `${output}.part-${process.pid}`;
      try {
        writeFileSync(part, signed, { mode: 0o644 });
        renameSync(part, output);
      } finally {
        rmSync(part, { force: true });
      }
      console.log(`wrote ${o.output} (${Buffer.byteLength(signed)} bytes), signed by ${new X509Certificate(signer.certificatePem).subject.replace(/\n/g, ', ')}`);
    }),
  );
  edxml.addCommand(
    withApiOptions(
      new Command('import')
        .description('register a signed edXML package from the national axis for the units of this exchange it addresses (a clerk of one of them, or an administrator)')
        .argument('<file>', 'the package')
        .option('--json', 'print the answer as JSON'),
    ).action(async (file: string, o: { json?: boolean; url?: string; token?: string; as?: string }) => {
      const form = new FormData();
      form.append('package', new Blob([readFileSync(file)], { type: 'application/xml' }), basename(file));
      const receipt = await new ApiClient(o).form<{ documentId: string; edxmlDocumentId: string; from: string; recipients: string[]; warnings: string[]; recall?: true }>('/edxml/packages', form);
      const summary = receipt.recall
        ? `recall of ${receipt.edxmlDocumentId} from ${receipt.from} (document ${receipt.documentId}): asked ${receipt.recipients.join(', ')} to give their copy back (13)`
        : `imported ${receipt.edxmlDocumentId} from ${receipt.from} as document ${receipt.documentId}, for ${receipt.recipients.join(', ')}`;
      printResult(o.json, receipt, () => [summary, ...receipt.warnings.map((w) => `  warning   ${w}`)]);
    }),
  );
  edxml.addCommand(
    withApiOptions(
      new Command('statuses')
        .description('write the statuses reported here on a document imported from the axis as edXML status messages, one file each, for its sender')
        .argument('<documentId>', "edoc's id of the imported document")
        .requiredOption('-o, --output <dir>', 'folder to write them in (made if missing)'),
    ).action(async (documentId: string, o: { output: string; url?: string; token?: string; as?: string }) => {
      const { messages } = await new ApiClient(o).json<{ messages: { recipientCode: string; status: string; occurredAt: string; xml: string }[] }>('GET', `/edxml/imports/${encodeURIComponent(documentId)}/statuses`);
      mkdirSync(o.output, { recursive: true });
      messages.forEach((m, i) => writeFileSync(join(o.output, `${String(i + 1).padStart(3, '0')}-${m.recipientCode}-${m.status}.xml`), m.xml));
      console.log(`wrote ${messages.length} status message(s) to ${o.output}`);
    }),
  );
  edxml.addCommand(
    withApiOptions(
      new Command('apply-status')
        .description('apply edXML status messages from the axis to the deliveries of documents issued here (administrators), in the order given')
        .argument('<files...>'),
    ).action(async (files: string[], o: { url?: string; token?: string; as?: string }) => {
      const api = new ApiClient(o);
      for (const file of files) {
        const form = new FormData();
        form.append('status', new Blob([readFileSync(file)], { type: 'application/xml' }), basename(file));
        const answer = await api.form<{ documentId: string; status: string; applied: boolean }>('/edxml/statuses', form);
        console.log(`${file}: ${answer.applied ? 'applied' : 'already so'} (${answer.status} on document ${answer.documentId})`);
      }
    }),
  );
  edxml.addCommand(
    new Command('check')
      .description('validate an edXML package as the exchange would before registering it: structure, fields, signature and its chain (exit 1 when refused)')
      .argument('<file>')
      .requiredOption('--trust <pem>', 'trusted root CA certificate (PEM); repeat for several', collect)
      .option('--ca <pem>', 'intermediate CA certificate that links signers to a trusted root; repeat for several', collect)
      .option('--json', 'print the result as JSON')
      .action((file: string, o: { trust: string[]; ca?: string[]; json?: boolean }) => {
        const certificates = (files: string[], what: string) => files.flatMap((f) => pemCertificates(readText(f, what), f));
        const result = readPackage(readFileSync(file), { trusted: certificates(o.trust, 'trusted root'), intermediates: certificates(o.ca ?? [], 'CA certificate') });
        const summary = result.ok
          ? {
              ok: true,
              documentId: result.pkg.header.documentId,
              from: result.pkg.header.from.organId,
              to: result.pkg.header.to.map((t) => t.organId),
              subject: result.pkg.header.subject,
              businessDocType: result.pkg.business.docType,
              attachments: result.pkg.attachments.map((a) => ({ name: a.name, contentType: a.contentType, size: a.bytes.length })),
              signer: result.signer.subject.replace(/\n/g, ', '),
              warnings: result.warnings,
            }
          : { ok: false, reasons: result.reasons, warnings: result.warnings };
        printResult(o.json, summary, () =>
          result.ok
            ? [`VALID: ${result.pkg.header.documentId} from ${result.pkg.header.from.organId} to ${result.pkg.header.to.map((t) => t.organId).join(', ')}`, `  subject   ${result.pkg.header.subject}`, `  signer    ${summary.signer as string}`, ...result.pkg.attachments.map((a) => `  attached  ${a.name} (${a.contentType}, ${a.bytes.length} bytes)`), ...result.warnings.map((w) => `  warning   ${w}`)]
            : ['REFUSED:', ...result.reasons.map((r) => `  ✗ ${r}`), ...result.warnings.map((w) => `  warning   ${w}`)],
        );
        if (!result.ok) process.exitCode = 1;
      }),
  );
  return edxml;
}

function pemCertificates(pem: string, file: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`${file}: no certificate in it`);
  return blocks.map((block) => new X509Certificate(block));
}

import { X509Certificate } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { readPackage } from '@edoc/edxml';
import type { ValidationInput, ValidationOutput } from './package-validation';

/**
 * Validates one edXML package off intake's event loop, under the worker's own heap limit: a
 * package that costs more memory than that ends this thread, not intake.
 */
const input = workerData as ValidationInput;
const result = readPackage(Buffer.from(input.bytes), {
  trusted: input.trustedPem.map((pem) => new X509Certificate(pem)),
  intermediates: input.intermediatesPem.map((pem) => new X509Certificate(pem)),
});
const output: ValidationOutput = result.ok ? { ok: true, pkg: result.pkg, signerPem: result.signer.toString(), warnings: result.warnings } : result;
parentPort?.postMessage(output);

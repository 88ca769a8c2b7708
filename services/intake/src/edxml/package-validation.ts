import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EdxmlPackage, ReadResult } from '@edoc/edxml';

export interface ValidationInput {
  bytes: Uint8Array;
  trustedPem: string[];
  intermediatesPem: string[];
}

export type ValidationOutput = { ok: true; pkg: EdxmlPackage; signerPem: string; warnings: string[] } | { ok: false; reasons: string[]; warnings: string[] };

/** Validation holds about 25 times the package (20 MiB at most); this leaves room and no more. */
const WORKER_HEAP_MB = 768;

/**
 * readPackage in a worker thread: it is synchronous and takes seconds on a large package, which
 * on intake's own thread would stall every other request; and the worker's heap limit bounds what
 * one package can cost. A worker that dies (out of memory) is a refusal with that reason.
 */
export function validateInWorker(bytes: Buffer, trust: { trusted: X509Certificate[]; intermediates: X509Certificate[] }): Promise<ReadResult> {
  const input: ValidationInput = { bytes, trustedPem: trust.trusted.map((c) => c.toString()), intermediatesPem: trust.intermediates.map((c) => c.toString()) };
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'package-validation.worker.js'), { workerData: input, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    let answered = false;
    worker.once('message', (output: ValidationOutput) => {
      answered = true;
      resolve(output.ok ? { ok: true, pkg: withBuffers(output.pkg), signer: new X509Certificate(output.signerPem), warnings: output.warnings } : output);
    });
    worker.once('error', (error) => {
      if (answered) return;
      answered = true;
      if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') resolve({ ok: false, reasons: [`the package needs more than ${WORKER_HEAP_MB} MB to validate`], warnings: [] });
      else reject(error);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`package validation stopped with exit code ${code} before answering`));
    });
  });
}

/** Buffers cross to this thread as plain Uint8Arrays. */
function withBuffers(pkg: EdxmlPackage): EdxmlPackage {
  return { ...pkg, attachments: pkg.attachments.map((a) => ({ ...a, bytes: Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength) })) };
}

import { Injectable } from '@nestjs/common';
import type { FileRef } from '@edoc/contracts';
import { completeExternalSignatureFile, type ExternalSigner, prepareExternalSignatureFile, type PreparedExternalSignature } from '@edoc/pdf-sign';
import { PdfFilesRepository } from '../repositories/pdf-files.repository';
import type { ChosenPlacement } from '../domain/chosen-placement';
import type { SigningJob } from '../repositories/jobs.repository';
import { personSignatureOptions } from './person-signature';
import { SignatureLayoutService } from './signature-layout.service';
import { SigningMetrics } from './signing-metrics';
import { TimestampService } from './timestamp.service';

export interface PreparedDraft {
  file: FileRef;
  prepared: PreparedExternalSignature;
}

/**
 * The PDF work of signing with the signer's own token, in two phases around the token: the draft
 * with the signature field and placeholder (stored), then the signature embedded into a copy of it.
 */
@Injectable()
export class ExternalSigningService {
  constructor(
    private readonly pdfs: PdfFilesRepository,
    private readonly timestamps: TimestampService,
    private readonly metrics: SigningMetrics,
    private readonly layout: SignatureLayoutService,
  ) {}

  async prepare(job: SigningJob, signer: ExternalSigner, placement?: ChosenPlacement): Promise<PreparedDraft> {
    const person = job.metadata.signer;
    if (person === undefined) throw new Error(`document ${job.documentId} names no signer`);
    let prepared: PreparedExternalSignature | undefined;
    const file = await this.pdfs.transform(job.mainFile, job.mainFile.fileName, async (input, output) => {
      const options = personSignatureOptions(job.metadata, person, placement);
      const appearance = options.appearance.kind === 'person' ? await this.layout.person(input, options.appearance, job.mainFile.sha256) : options.appearance;
      prepared = await prepareExternalSignatureFile(input, output, { ...options, appearance, signer, timestamp: this.timestamps.provider(), durable: false });
    });
    return { file, prepared: prepared as PreparedExternalSignature };
  }

  async complete(preparedFile: FileRef, signer: ExternalSigner, signedAttributes: Buffer, signature: Buffer): Promise<FileRef> {
    const stop = this.metrics.startTimer('person-external');
    try {
      return await this.pdfs.transform(preparedFile, preparedFile.fileName, (input, output) =>
        completeExternalSignatureFile(input, output, { signer, signedAttributes, signature, timestamp: this.timestamps.provider() }),
      );
    } finally {
      stop();
    }
  }
}

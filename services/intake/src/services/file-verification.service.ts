import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { EdocConfig } from '@edoc/config';
import type { Principal } from '@edoc/identity';
import { PdfSignError, verifyPdf, type VerificationReport } from '@edoc/pdf-sign';
import { EDOC_CONFIG, pkiDirOf } from '@edoc/runtime';
import { scratchPath, withScratchFolder } from '@edoc/storage';
import { FileAccessService } from './file-access.service';

/**
 * Checks the signatures of a stored file for whoever may read it: every signature, its signer,
 * its time-stamp and its chain to the district's root, with revocation from the district's CRL.
 * The file is copied to a scratch file first (verification reads it at random, and it may be large)
 * and removed after.
 */
@Injectable()
export class FileVerificationService {
  private readonly pkiDir: string;
  private readonly scratch: string;

  constructor(
    private readonly files: FileAccessService,
    @Inject(EDOC_CONFIG) config: EdocConfig,
  ) {
    this.pkiDir = pkiDirOf(config);
    this.scratch = scratchPath(config, 'verification');
  }

  async verify(principal: Principal, sha256: string): Promise<VerificationReport> {
    const { stream } = await this.files.open(principal, sha256);
    return withScratchFolder(async (dir) => {
      const file = join(dir, 'file.pdf');
      await pipeline(stream, createWriteStream(file, { mode: 0o600 }));
      try {
        return verifyPdf(file, this.trust());
      } catch (error) {
        if (error instanceof PdfSignError) throw new UnprocessableEntityException(`the file cannot be verified: ${error.message}`);
        throw error;
      }
    }, this.scratch);
  }

  private trust(): { anchorsPem: string[]; crlsPem: string[] } {
    const crl = join(this.pkiDir, 'issuing-ca.crl.pem');
    return { anchorsPem: [readFileSync(join(this.pkiDir, 'root-ca.cert.pem'), 'utf8')], crlsPem: existsSync(crl) ? [readFileSync(crl, 'utf8')] : [] };
  }
}

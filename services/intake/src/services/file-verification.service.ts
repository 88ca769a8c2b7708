import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { EdocConfig } from '@edoc/config';
import type { Principal } from '@edoc/identity';
import { PdfSignError, verifyPdf, verifyPdfOnline, type VerificationReport } from '@edoc/pdf-sign';
import { OnlineRevocation, districtTrust, readTrustedRoots, type TrustedRoot } from '@edoc/pki';
import { EDOC_CONFIG, pkiDirOf } from '@edoc/runtime';
import { scratchPath, withScratchFolder } from '@edoc/storage';
import { FileAccessService } from './file-access.service';

/**
 * Checks the signatures of a stored file for whoever may read it: every signature, its signer,
 * its time-stamp and its chain to the district's root or a configured one (EDOC_TRUSTED_ROOTS), with revocation from the district's CRL,
 * the file's own validation data, and else what the trusted certificate points to online (cached for all requests).
 * The file is copied to a scratch file first (verification reads it at random, and it may be large)
 * and removed after.
 */
@Injectable()
export class FileVerificationService {
  private readonly pkiDir: string;
  private readonly trustedRoots: TrustedRoot[];
  private readonly scratch: string;
  private readonly online?: OnlineRevocation;

  constructor(
    private readonly files: FileAccessService,
    @Inject(EDOC_CONFIG) config: EdocConfig,
  ) {
    this.pkiDir = pkiDirOf(config);
    this.trustedRoots = readTrustedRoots(config.trustedRoots);
    this.scratch = scratchPath(config, 'verification');
    if (config.revocationFetchTimeoutMs > 0) this.online = new OnlineRevocation({ timeoutMs: config.revocationFetchTimeoutMs });
  }

  async verify(principal: Principal, sha256: string): Promise<VerificationReport> {
    const { stream } = await this.files.open(principal, sha256);
    return withScratchFolder(async (dir) => {
      const file = join(dir, 'file.pdf');
      await pipeline(stream, createWriteStream(file, { mode: 0o600 }));
      try {
        const trust = districtTrust(this.pkiDir, this.trustedRoots);
        return this.online ? await verifyPdfOnline(file, trust, this.online) : verifyPdf(file, trust);
      } catch (error) {
        if (error instanceof PdfSignError) throw new UnprocessableEntityException(`the file cannot be verified: ${error.message}`);
        throw error;
      }
    }, this.scratch);
  }
}

import { Controller, Get, Param, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@edoc/identity';
import { RateLimit } from '@edoc/runtime';
import type { VerificationReport } from '@edoc/pdf-sign';
import { FileAccessService } from '../services/file-access.service';
import { FileVerificationService } from '../services/file-verification.service';

@ApiTags('files')
@Controller('files')
export class FilesController {
  constructor(
    private readonly files: FileAccessService,
    private readonly verifier: FileVerificationService,
  ) {}

  /** The bytes of a file by SHA-256: what a recipient (clerk or ward system) fetches after a delivery. */
  @Get(':sha256')
  @ApiOperation({ summary: 'The bytes of a file by SHA-256, for its issuer, its recipients (clerks and ward systems) and administrators' })
  @Roles('clerk', 'signer', 'admin', 'ward-system')
  @RateLimit('downloads')
  async download(@CurrentPrincipal() principal: Principal, @Param('sha256') sha256: string): Promise<StreamableFile> {
    const { stream, size } = await this.files.open(principal, sha256);
    return new StreamableFile(stream, { type: 'application/pdf', length: size, disposition: `attachment; filename="${sha256.toLowerCase()}.pdf"` });
  }

  /** Every signature of the file checked against the district's root and CRL: who signed, when, and whether it holds. */
  @Get(':sha256/verification')
  @ApiOperation({ summary: "The signatures of a file checked (signer, time-stamp, chain to the district's root or a root configured in EDOC_TRUSTED_ROOTS, revocation, what each covers), for those who may read it" })
  @Roles('clerk', 'signer', 'admin', 'ward-system')
  @RateLimit('downloads')
  verification(@CurrentPrincipal() principal: Principal, @Param('sha256') sha256: string): Promise<VerificationReport> {
    return this.verifier.verify(principal, sha256);
  }
}

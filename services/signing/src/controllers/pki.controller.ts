import { Body, Controller, Get, Header, HttpCode, Post, Req, BadRequestException } from '@nestjs/common';
import type { Request } from 'express';
import { Public, Roles } from '@edoc/identity';
import { CredentialsRepository } from '../repositories/credentials.repository';
import { TimestampService } from '../services/timestamp.service';

@Controller()
export class PkiController {
  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly timestamps: TimestampService,
  ) {}

  /** Published CA material: relying parties fetch it without credentials, as they would from any CA. */
  @Public()
  @Get('pki/root-ca.pem')
  @Header('content-type', 'application/x-pem-file')
  rootCa(): string {
    return this.credentials.publicFile('root-ca.cert.pem');
  }

  @Public()
  @Get('pki/issuing-ca.pem')
  @Header('content-type', 'application/x-pem-file')
  issuingCa(): string {
    return this.credentials.publicFile('issuing-ca.cert.pem');
  }

  @Public()
  @Get('pki/crl.pem')
  @Header('content-type', 'application/x-pem-file')
  crl(): string {
    return this.credentials.publicFile('issuing-ca.crl.pem');
  }

  /** RFC 3161 time-stamping over HTTP, for edoc's own users (a token is required, like everywhere else). */
  @Post('tsa')
  @HttpCode(200)
  @Roles('clerk', 'signer', 'admin', 'ward-system')
  @Header('content-type', 'application/timestamp-reply')
  timestamp(@Req() request: Request, @Body() body: unknown): Buffer {
    const der = Buffer.isBuffer(body) ? body : Buffer.isBuffer(request.body) ? (request.body as Buffer) : undefined;
    if (der === undefined || der.length === 0) throw new BadRequestException('send a DER TimeStampReq with content-type application/timestamp-query');
    return this.timestamps.authority().respond(der);
  }
}

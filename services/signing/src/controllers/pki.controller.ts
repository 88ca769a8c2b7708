import { Body, Controller, Get, Header, HttpCode, Param, Post, Req, Res, BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public, Roles } from '@edoc/identity';
import { CredentialsRepository } from '../repositories/credentials.repository';
import { OcspService } from '../services/ocsp.service';
import { TimestampService } from '../services/timestamp.service';
import { readRawBody } from './raw-body';

/** An OCSP or time-stamp request is a few hundred bytes. */
const MAX_OCSP_REQUEST_BYTES = 16 * 1024;

@Controller()
export class PkiController {
  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly timestamps: TimestampService,
    private readonly ocspResponder: OcspService,
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

  /**
   * The issuing CA's OCSP responder (RFC 6960 appendix A: POST of a DER request; GET with the
   * request base64 in the path). Public, as any CA's responder is; a request it cannot read gets a
   * malformedRequest response, not an HTTP error.
   */
  @Public()
  @Post('pki/ocsp')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  async ocsp(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (!String(request.headers['content-type'] ?? '').startsWith('application/ocsp-request')) throw new UnsupportedMediaTypeException('send a DER OCSPRequest with content-type application/ocsp-request');
    sendDer(response, 'application/ocsp-response', this.ocspResponder.respond(await readRawBody(request, MAX_OCSP_REQUEST_BYTES)));
  }

  @Public()
  // The router has percent-decoded the parameter already: decoding it again turned "%25zz" into a 500.
  @Get('pki/ocsp/:request')
  ocspByGet(@Param('request') encoded: string, @Res() response: Response): void {
    if (encoded.length > (MAX_OCSP_REQUEST_BYTES * 4) / 3 + 4) throw new BadRequestException(`an OCSP request in the path is at most ${MAX_OCSP_REQUEST_BYTES} bytes`);
    sendDer(response, 'application/ocsp-response', this.ocspResponder.respond(Buffer.from(encoded, 'base64')));
  }

  /** RFC 3161 time-stamping over HTTP, for edoc's own users (a token is required, like everywhere else). */
  @Post('tsa')
  @HttpCode(200)
  @Roles('clerk', 'signer', 'admin', 'ward-system')
  async timestamp(@Req() request: Request, @Body() body: unknown, @Res() response: Response): Promise<void> {
    // No body parser takes application/timestamp-query: the request is read here, bounded.
    const der = Buffer.isBuffer(body) ? body : Buffer.isBuffer(request.body) ? (request.body as Buffer) : await readRawBody(request, MAX_OCSP_REQUEST_BYTES);
    if (der === undefined || der.length === 0) throw new BadRequestException('send a DER TimeStampReq with content-type application/timestamp-query');
    sendDer(response, 'application/timestamp-reply', this.timestamps.authority().respond(der));
  }
}

/**
 * A DER answer with its exact media type, written as it is: Express's send() appends
 * "; charset=utf-8" to the type, which strict clients refuse (openssl: "unexpected content type").
 */
function sendDer(response: Response, type: string, der: Buffer): void {
  response.writeHead(200, { 'content-type': type, 'content-length': der.length }).end(der);
}

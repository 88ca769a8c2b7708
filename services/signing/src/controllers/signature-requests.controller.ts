import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentPrincipal, Principal, Roles } from '@edoc/identity';
import { ApprovalClient, SignatureRequestView } from '../services/request-view';
import { SignatureRequestsService } from '../services/signature-requests.service';
import { TokenApprovalService, TokenPreparation } from '../services/token-approval.service';

/** Where an approval came from, for the evidence. */
function clientOf(request: Request): ApprovalClient {
  return { address: request.ip ?? request.socket.remoteAddress ?? '', agent: String(request.headers['user-agent'] ?? '').slice(0, 200) };
}

@ApiTags('signature requests')
@Controller('sign-requests')
export class SignatureRequestsController {
  constructor(
    private readonly requests: SignatureRequestsService,
    private readonly tokens: TokenApprovalService,
  ) {}

  @Get()
  @ApiOperation({ summary: "A signer's requests waiting for them (the most urgent first, then the oldest); for clerks and administrators, the unit's requests" })
  @ApiQuery({ name: 'state', required: false, description: 'awaiting_signature, approved, returned, person_signed, issued, failed (comma-separated) or all' })
  @Roles('clerk', 'signer', 'admin')
  async list(@CurrentPrincipal() principal: Principal, @Query('state') state?: string): Promise<{ items: SignatureRequestView[] }> {
    return { items: await this.requests.list(principal, state) };
  }

  @Get(':documentId')
  @ApiOperation({ summary: 'One request: its metadata, its files (fetch them from intake, GET /files/{sha256}), its approval or return' })
  @Roles('clerk', 'signer', 'admin')
  get(@CurrentPrincipal() principal: Principal, @Param('documentId') documentId: string): Promise<SignatureRequestView> {
    return this.requests.get(principal, documentId);
  }

  @Post(':documentId/approve')
  @HttpCode(202)
  @ApiOperation({ summary: 'The signer named in the request approves it: the approval is recorded as evidence, then the signature is applied and the document numbered and issued' })
  @ApiBody({
    required: false,
    schema: {
      type: 'object',
      properties: {
        code: { type: 'string', description: 'the 6-digit TOTP code: required when the key is held in the HSM (remote signing) or the signer enrolled a second factor' },
        placement: {
          type: 'object',
          description: "where the signature goes when the document prints no signature block for the signer: page (1-based), x, y, width, height in points from the page's bottom left; refused over text",
          properties: { page: { type: 'integer' }, x: { type: 'number' }, y: { type: 'number' }, width: { type: 'number' }, height: { type: 'number' } },
        },
      },
    },
  })
  @ApiResponse({ status: 403, description: 'not the signer named in the request; or a missing or wrong second-factor code (counted)' })
  @ApiResponse({ status: 409, description: 'not awaiting signature, edoc holds no key for the signer, or no second factor enrolled' })
  @ApiResponse({ status: 423, description: 'the signer is locked out of remote signing after five wrong codes' })
  @Roles('signer')
  approve(@CurrentPrincipal() principal: Principal, @Param('documentId') documentId: string, @Req() request: Request, @Body() body: { code?: unknown; placement?: unknown } | undefined): Promise<SignatureRequestView> {
    return this.requests.approve(principal, documentId, clientOf(request), body?.code, body?.placement);
  }

  @Post(':documentId/prepare')
  @HttpCode(200)
  @ApiOperation({ summary: "Signing with the signer's own USB token, phase one: the draft gets its signature field; the answer holds the signed attributes for the token to sign" })
  @ApiResponse({ status: 403, description: 'not the signer named in the request' })
  @Roles('signer')
  prepare(@CurrentPrincipal() principal: Principal, @Param('documentId') documentId: string, @Body() body: { placement?: unknown } | undefined): Promise<TokenPreparation> {
    return this.tokens.prepare(principal, documentId, body?.placement);
  }

  @Post(':documentId/complete')
  @HttpCode(202)
  @ApiOperation({ summary: "Phase two: the token's signature of the signed attributes (base64); checked against the signer's certificate, then embedded; the number and seal follow" })
  @ApiBody({ schema: { type: 'object', required: ['signature'], properties: { signature: { type: 'string', format: 'byte' } } } })
  @ApiResponse({ status: 422, description: "the signature does not verify with the signer's certificate (another token, other data): nothing is signed" })
  @Roles('signer')
  complete(@CurrentPrincipal() principal: Principal, @Param('documentId') documentId: string, @Req() request: Request, @Body() body: { signature?: unknown } | undefined): Promise<SignatureRequestView> {
    return this.tokens.complete(principal, documentId, body?.signature, clientOf(request));
  }

  @Post(':documentId/return')
  @HttpCode(200)
  @ApiOperation({ summary: 'The signer sends the request back to the drafting clerk with a comment; the clerk may submit a revision ("revises")' })
  @ApiBody({ schema: { type: 'object', required: ['comment'], properties: { comment: { type: 'string', maxLength: 2000 } } } })
  @ApiResponse({ status: 403, description: 'not the signer named in the request' })
  @ApiResponse({ status: 409, description: 'not awaiting signature' })
  @Roles('signer')
  return(@CurrentPrincipal() principal: Principal, @Param('documentId') documentId: string, @Body() body: { comment?: unknown } | undefined): Promise<SignatureRequestView> {
    return this.requests.return(principal, documentId, body?.comment);
  }
}

import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, Req, Res, UploadedFiles, UseGuards, UseInterceptors } from '@nestjs/common';
import type { Request, Response } from 'express';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@edoc/identity';
import { loadConfig } from '@edoc/config';
import { RateLimit } from '@edoc/runtime';
import { SubmissionInput } from '../domain/submission';
import { DocumentView, DocumentViewService } from '../services/document-view.service';
import { EdxmlExportService } from '../services/edxml-export.service';
import { RecallReceipt, RecallService } from '../services/recall.service';
import { SubmissionReceipt, SubmissionService } from '../services/submission.service';
import type { StagedFile } from '../uploads/staged-file';
import { StagingStorage } from '../uploads/staging-storage';
import { UploadInterruptedInterceptor } from '../uploads/upload-interrupted.interceptor';
import { UploadSlotsGuard } from '../uploads/upload-slots';

const MAX_ATTACHMENTS = 20;

/** Metadata arrives either as one JSON field "metadata" or as separate form fields. */
function parseMetadata(body: Record<string, unknown>): SubmissionInput {
  if (typeof body.metadata !== 'string') return body;
  try {
    const parsed: unknown = JSON.parse(body.metadata);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as SubmissionInput;
  } catch (error) {
    throw new BadRequestException(`metadata: not a JSON object (${(error as Error).message})`);
  }
}

@ApiTags('documents')
@Controller('documents')
export class DocumentsController {
  constructor(
    private readonly submissions: SubmissionService,
    private readonly views: DocumentViewService,
    private readonly recalls: RecallService,
    private readonly edxml: EdxmlExportService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Submit a PDF to be signed (person, then organisation), numbered and sent to its recipients' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'metadata'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'the document, a PDF' },
        attachments: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'attachments in separate PDF files' },
        metadata: {
          type: 'string',
          description:
            'JSON: { type ("CV", "QĐ", ...), subject (≤ 500 characters), recipients (organisation codes or groups: all-wards, all-departments, all-units), ' +
            'signer (username), urgency (normal, khẩn, thượng khẩn, hỏa tốc), dueDate (yyyy-mm-dd), draftingUnit, responseFor (edXML id of a received document), ' +
            'businessType (new, update, replace) with replaces (document id), secrecy (state secrets are refused) }',
        },
      },
    },
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'send the same key again after a lost answer to get the first document back, not a second one' })
  @ApiResponse({ status: 202, description: 'accepted: signing, numbering and delivery follow' })
  @ApiResponse({ status: 400, description: 'empty or truncated file, metadata not JSON' })
  @ApiResponse({ status: 413, description: 'file over the configured limit (EDOC_MAX_FILE_BYTES, default 500 MiB)' })
  @ApiResponse({ status: 415, description: 'not a PDF' })
  @ApiResponse({ status: 422, description: 'a rule is broken: each problem names its field' })
  @ApiResponse({ status: 503, description: 'as many uploads in progress as intake takes at once (in all, or for this user): try again after Retry-After seconds' })
  @HttpCode(202)
  @Roles('clerk')
  @UseGuards(UploadSlotsGuard)
  // Below UploadSlotsGuard, so it runs first: a refused request takes no upload slot.
  @RateLimit('submissions')
  @UseInterceptors(
    UploadInterruptedInterceptor,
    FileFieldsInterceptor(
      [
        { name: 'file', maxCount: 1 },
        { name: 'attachments', maxCount: MAX_ATTACHMENTS },
      ],
      // Files stream to staging files, never to memory; the metadata fields are small.
      { storage: new StagingStorage(loadConfig().uploadDir), limits: { fileSize: loadConfig().maxFileBytes, files: MAX_ATTACHMENTS + 1, fields: 40, fieldSize: 256 * 1024, parts: 80 } },
    ),
  )
  submit(
    @CurrentPrincipal() principal: Principal,
    @Body() body: Record<string, unknown>,
    @UploadedFiles() files: { file?: StagedFile[]; attachments?: StagedFile[] } | undefined,
    // Read from the request, not with @Headers(): that would declare the header a second time, and required, in the API reference.
    @Req() request: Request,
  ): Promise<SubmissionReceipt> {
    const idempotencyKey = request.headers['idempotency-key'];
    return this.submissions.submit(principal, parseMetadata(body), files?.file?.[0], files?.attachments ?? [], typeof idempotencyKey === 'string' ? idempotencyKey : undefined);
  }

  /** Takes an issued document back (status 13 to every recipient that has not completed it). */
  @Post(':documentId/recall')
  @ApiOperation({ summary: 'Recall (thu hồi) an issued document: 13 to every recipient that has not completed it; the sender\'s copy is frozen' })
  @ApiBody({ schema: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } } })
  @ApiResponse({ status: 409, description: 'not issued, or every recipient completed or refused it' })
  @HttpCode(202)
  @Roles('clerk')
  recall(@CurrentPrincipal() principal: Principal, @Param('documentId') documentId: string, @Body() body: { reason?: unknown }): Promise<RecallReceipt> {
    return this.recalls.recall(principal, documentId, body?.reason);
  }

  @Get()
  @ApiOperation({ summary: "The unit's documents, newest first" })
  @Roles('clerk', 'signer', 'admin')
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: Omit<DocumentView, 'deliveries'>[] }> {
    return { items: await this.views.list(principal) };
  }

  @Get(':documentId')
  @ApiOperation({ summary: 'A document and each recipient\'s status with its history' })
  @Roles('clerk', 'signer', 'admin')
  get(@CurrentPrincipal() principal: Principal, @Param('documentId') documentId: string): Promise<DocumentView> {
    return this.views.get(principal, documentId);
  }

  @Get(':documentId/edxml')
  @ApiOperation({ summary: 'An issued document as an edXML package (QCVN 102:2016), unsigned: `edoc edxml export` signs it with the organisation\'s axis certificate' })
  @ApiResponse({ status: 409, description: 'The document is not issued' })
  @ApiResponse({ status: 413, description: 'Its files are more than an edXML package may carry' })
  @Roles('clerk', 'admin')
  async edxmlPackage(@CurrentPrincipal() principal: Principal, @Param('documentId') documentId: string, @Res() res: Response): Promise<void> {
    const { fileName, xml } = await this.edxml.export(principal, documentId);
    res.setHeader('Content-Type', 'application/xml; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="document.edxml"; filename*=UTF-8''${encodeURIComponent(fileName)}`);
    res.send(xml);
  }
}

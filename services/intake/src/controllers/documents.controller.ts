import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { CurrentPrincipal, Principal, Roles } from '@edoc/identity';
import { loadConfig } from '@edoc/config';
import { SubmissionInput } from '../domain/submission';
import { DocumentView, DocumentViewService } from '../services/document-view.service';
import { SubmissionReceipt, SubmissionService, UploadedFile } from '../services/submission.service';

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

@Controller('documents')
export class DocumentsController {
  constructor(
    private readonly submissions: SubmissionService,
    private readonly views: DocumentViewService,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('clerk')
  @UseInterceptors(
    FileFieldsInterceptor(
      [
        { name: 'file', maxCount: 1 },
        { name: 'attachments', maxCount: MAX_ATTACHMENTS },
      ],
      { limits: { fileSize: loadConfig().maxFileBytes, files: MAX_ATTACHMENTS + 1 } },
    ),
  )
  submit(
    @CurrentPrincipal() principal: Principal,
    @Body() body: Record<string, unknown>,
    @UploadedFiles() files: { file?: UploadedFile[]; attachments?: UploadedFile[] } | undefined,
  ): Promise<SubmissionReceipt> {
    return this.submissions.submit(principal, parseMetadata(body), files?.file?.[0], files?.attachments ?? []);
  }

  @Get()
  @Roles('clerk', 'signer', 'admin')
  async list(@CurrentPrincipal() principal: Principal): Promise<{ items: Omit<DocumentView, 'deliveries'>[] }> {
    return { items: await this.views.list(principal) };
  }

  @Get(':documentId')
  @Roles('clerk', 'signer', 'admin')
  get(@CurrentPrincipal() principal: Principal, @Param('documentId') documentId: string): Promise<DocumentView> {
    return this.views.get(principal, documentId);
  }
}

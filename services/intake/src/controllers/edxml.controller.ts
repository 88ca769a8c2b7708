import { Controller, Get, HttpCode, Param, Post, UploadedFiles, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { loadConfig } from '@edoc/config';
import { DEFAULT_MAX_PACKAGE_BYTES } from '@edoc/edxml';
import { CurrentPrincipal, Principal, Roles } from '@edoc/identity';
import { EdxmlImportService, type ImportReceipt } from '../services/edxml-import.service';
import { type AppliedStatus, EdxmlStatusService, type StatusMessageFile } from '../services/edxml-status.service';
import type { StagedFile } from '../uploads/staged-file';
import { StagingStorage } from '../uploads/staging-storage';
import { UploadInterruptedInterceptor } from '../uploads/upload-interrupted.interceptor';
import { UploadSlotsGuard } from '../uploads/upload-slots';

@ApiTags('edxml')
@Controller('edxml')
export class EdxmlController {
  constructor(
    private readonly imports: EdxmlImportService,
    private readonly statuses: EdxmlStatusService,
  ) {}

  @Post('packages')
  @ApiOperation({ summary: 'Register a document from a signed edXML package of the national axis for the units of this exchange it addresses (`edoc edxml import`)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['package'], properties: { package: { type: 'string', format: 'binary', description: 'the edXML package (at most 20 MiB)' } } } })
  @ApiResponse({ status: 201, description: 'registered: delivered to each addressed unit like an issued document' })
  @ApiResponse({ status: 403, description: 'a clerk of a unit the package does not address' })
  @ApiResponse({ status: 409, description: 'this organ\'s DocumentId was imported already' })
  @ApiResponse({ status: 413, description: 'more than 20 MiB' })
  @ApiResponse({ status: 422, description: 'refused: every reason (structure, fields, signature, trust), and nothing registered' })
  @HttpCode(201)
  @Roles('clerk', 'admin')
  @UseGuards(UploadSlotsGuard)
  @UseInterceptors(
    UploadInterruptedInterceptor,
    // Streamed to a staging file, never to memory, and refused past the package limit as it arrives.
    FileFieldsInterceptor([{ name: 'package', maxCount: 1 }], { storage: new StagingStorage(loadConfig().uploadDir), limits: { fileSize: DEFAULT_MAX_PACKAGE_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 8 } }),
  )
  importPackage(@CurrentPrincipal() principal: Principal, @UploadedFiles() files: { package?: StagedFile[] } | undefined): Promise<ImportReceipt> {
    return this.imports.import(principal, files?.package?.[0]);
  }

  @Get('imports/:documentId/statuses')
  @ApiOperation({ summary: 'The statuses the recipients here reported on a document imported from the axis, as edXML status messages for its sender (`edoc edxml statuses`)' })
  @Roles('clerk', 'admin')
  async importStatuses(@CurrentPrincipal() principal: Principal, @Param('documentId') documentId: string): Promise<{ messages: StatusMessageFile[] }> {
    return { messages: await this.statuses.messagesFor(principal, documentId) };
  }

  @Post('statuses')
  @ApiOperation({ summary: 'Apply an edXML status message from the axis to the delivery of a document issued here (`edoc edxml apply-status`); administrators only, as status messages are not signed' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', format: 'binary', description: 'an edXML Status message (at most 64 KiB)' } } } })
  @ApiResponse({ status: 201, description: 'applied, or already in that status (applied: false)' })
  @ApiResponse({ status: 409, description: 'the delivery\'s state does not allow the status' })
  @ApiResponse({ status: 422, description: 'not a valid status message, or it names no delivery of a document issued here' })
  @HttpCode(201)
  @Roles('admin')
  @UseGuards(UploadSlotsGuard)
  @UseInterceptors(UploadInterruptedInterceptor, FileFieldsInterceptor([{ name: 'status', maxCount: 1 }], { storage: new StagingStorage(loadConfig().uploadDir), limits: { fileSize: 64 * 1024, files: 1, fields: 4, fieldSize: 1024, parts: 8 } }))
  applyStatus(@CurrentPrincipal() principal: Principal, @UploadedFiles() files: { status?: StagedFile[] } | undefined): Promise<AppliedStatus> {
    return this.statuses.applyUpload(principal, files?.status?.[0]);
  }
}

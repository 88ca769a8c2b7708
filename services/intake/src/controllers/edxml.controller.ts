import { Controller, HttpCode, Post, UploadedFiles, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { loadConfig } from '@edoc/config';
import { DEFAULT_MAX_PACKAGE_BYTES } from '@edoc/edxml';
import { CurrentPrincipal, Principal, Roles } from '@edoc/identity';
import { EdxmlImportService, type ImportReceipt } from '../services/edxml-import.service';
import type { StagedFile } from '../uploads/staged-file';
import { StagingStorage } from '../uploads/staging-storage';
import { UploadInterruptedInterceptor } from '../uploads/upload-interrupted.interceptor';
import { UploadSlotsGuard } from '../uploads/upload-slots';

@ApiTags('edxml')
@Controller('edxml')
export class EdxmlController {
  constructor(private readonly imports: EdxmlImportService) {}

  @Post('packages')
  @ApiOperation({ summary: 'Register a document from a signed edXML package of the national axis for the units of this exchange it addresses (`edoc edxml import`)' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['package'], properties: { package: { type: 'string', format: 'binary', description: 'the edXML package (at most 40 MiB)' } } } })
  @ApiResponse({ status: 201, description: 'registered: delivered to each addressed unit like an issued document' })
  @ApiResponse({ status: 403, description: 'a clerk of a unit the package does not address' })
  @ApiResponse({ status: 409, description: 'this organ\'s DocumentId was imported already' })
  @ApiResponse({ status: 413, description: 'more than 40 MiB' })
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
}

import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@edoc/identity';
import { DirectoryView, DirectoryViewService } from '../services/directory-view.service';

@ApiTags('directory')
@Controller('directory')
export class DirectoryController {
  constructor(private readonly view: DirectoryViewService) {}

  @Get()
  @ApiOperation({ summary: "Whom a clerk can send to (units and groups) and who can sign for the clerk's unit" })
  @Roles('clerk', 'signer', 'admin')
  get(@CurrentPrincipal() principal: Principal): Promise<DirectoryView> {
    return this.view.forUnitOf(principal);
  }
}

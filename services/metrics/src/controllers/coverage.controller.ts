import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '@edoc/identity';
import { CoverageService } from '../services/coverage.service';

@Controller('coverage')
@Roles('admin')
export class CoverageController {
  constructor(private readonly coverage: CoverageService) {}

  @Get()
  get(@Query('from') from?: string, @Query('to') to?: string) {
    return this.coverage.coverage(from, to);
  }
}

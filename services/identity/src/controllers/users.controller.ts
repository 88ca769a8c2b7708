import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, type Principal, Roles } from '@edoc/identity';
import { UserAdminService } from '../services/user-admin.service';

/** Users, for administrators: a district administrator sees and manages all, a unit administrator its unit's. */
@Controller('users')
@Roles('admin', 'unit-admin')
export class UsersController {
  constructor(private readonly admin: UserAdminService) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal, @Query('org') org?: string) {
    return { users: await this.admin.list(principal, org === undefined || org === '' ? undefined : org) };
  }

  @Get(':username')
  get(@CurrentPrincipal() principal: Principal, @Param('username') username: string) {
    return this.admin.get(principal, username);
  }

  @Post()
  add(@CurrentPrincipal() principal: Principal, @Body() body: unknown) {
    return this.admin.add(principal, body);
  }

  @Post(':username/disable')
  @HttpCode(200)
  disable(@CurrentPrincipal() principal: Principal, @Param('username') username: string) {
    return this.admin.setDisabled(principal, username, true);
  }

  @Post(':username/enable')
  @HttpCode(200)
  enable(@CurrentPrincipal() principal: Principal, @Param('username') username: string) {
    return this.admin.setDisabled(principal, username, false);
  }

  @Post(':username/set-role')
  @HttpCode(200)
  setRole(@CurrentPrincipal() principal: Principal, @Param('username') username: string, @Body() body: unknown) {
    return this.admin.setRoles(principal, username, body);
  }

  @Post(':username/reset-password')
  @HttpCode(200)
  resetPassword(@CurrentPrincipal() principal: Principal, @Param('username') username: string, @Body() body: unknown) {
    return this.admin.resetPassword(principal, username, body);
  }
}

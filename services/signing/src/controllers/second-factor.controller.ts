import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Roles } from '@edoc/identity';
import { Enrolment, SecondFactorService } from '../services/second-factor.service';

@ApiTags('second factor')
@Controller('second-factor')
export class SecondFactorController {
  constructor(private readonly factors: SecondFactorService) {}

  @Post('enrol')
  @HttpCode(201)
  @ApiOperation({ summary: 'A signer enrols an authenticator app (TOTP, RFC 6238): the secret and its otpauth:// URI are shown once' })
  @ApiResponse({ status: 409, description: 'a confirmed second factor exists: an administrator of the unit resets it first' })
  @Roles('signer')
  enrol(@CurrentPrincipal() principal: Principal): Promise<Enrolment> {
    return this.factors.enrol(principal);
  }

  @Post('confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'The first code from the authenticator confirms the enrolment' })
  @ApiBody({ schema: { type: 'object', required: ['code'], properties: { code: { type: 'string' } } } })
  @Roles('signer')
  confirm(@CurrentPrincipal() principal: Principal, @Body() body: { code?: unknown } | undefined): Promise<{ username: string; confirmed: true }> {
    return this.factors.confirm(principal, body?.code);
  }

  @Delete(':username')
  @ApiOperation({ summary: "An administrator of the signer's unit removes the enrolment (a lost phone, a lockout); the signer enrols again" })
  @Roles('admin', 'unit-admin')
  reset(@CurrentPrincipal() principal: Principal, @Param('username') username: string): Promise<{ username: string; reset: true }> {
    return this.factors.reset(principal, username);
  }
}

import { Controller, Get, NotFoundException, Param, Req, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, Principal, Public } from '@edoc/identity';
import { webAppAsset, webAppIndex } from './web-app-files';
import { webAppPageHeaders, webAppServices, type WebAppServices } from './web-app-settings';

/**
 * The clerks' and signers' web app at /app: one page and its built assets (web/, built by
 * `npm run build`), and /app/api/session, which tells the page who is signed in and where the
 * other services are. The page itself needs no session: it asks, and sends a visitor without one
 * to the identity service's sign-in, which sends them back.
 */
@ApiExcludeController()
@Controller('app')
export class WebAppController {
  @Get('api/session')
  session(@CurrentPrincipal() principal: Principal, @Req() request: Request): { user: Omit<Principal, 'sessionId'>; services: WebAppServices } {
    const { sessionId: _sessionId, ...user } = principal;
    return { user, services: webAppServices(request.headers.host, request.protocol) };
  }

  /** Before a session exists the page still needs to know where to send the browser to sign in. */
  @Public()
  @Get('api/services')
  services(@Req() request: Request): WebAppServices {
    return webAppServices(request.headers.host, request.protocol);
  }

  @Public()
  @Get('assets/*path')
  asset(@Param('path') path: string | string[], @Res() response: Response): void {
    const asset = webAppAsset(`assets/${Array.isArray(path) ? path.join('/') : path}`);
    if (asset === undefined) throw new NotFoundException('no such file of the web app');
    response.setHeader('Content-Type', asset.contentType);
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    response.send(asset.body);
  }

  @Public()
  @Get(['', '*path'])
  page(@Req() request: Request, @Res() response: Response): void {
    const html = webAppIndex();
    if (html === undefined) throw new ServiceUnavailableException('the web app is not built: run `npm run build`');
    for (const [name, value] of Object.entries(webAppPageHeaders(webAppServices(request.headers.host, request.protocol)))) response.setHeader(name, value);
    response.send(html);
  }
}

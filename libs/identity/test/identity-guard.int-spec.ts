import 'reflect-metadata';
import { generateKeyPairSync } from 'node:crypto';
import { Controller, Get, Global, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  CurrentPrincipal,
  csrfHash,
  IdentityModule,
  Public,
  REVOCATION_CHECK,
  Roles,
  TokenIssuer as Issuer,
  assertSameOrganisation,
  type Principal,
  type RevocationCheck,
  type TokenSubject,
} from '@edoc/identity';

@Controller('documents')
@Roles('clerk', 'admin')
class DocumentsController {
  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }

  @Get('mine')
  mine(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @Get('sign')
  @Roles('signer')
  sign(@CurrentPrincipal() principal: Principal) {
    return { signedBy: principal.username };
  }

  @Post('mine')
  change(@CurrentPrincipal() principal: Principal) {
    return { changedBy: principal.username };
  }

  @Get('register/:org')
  register(@CurrentPrincipal() principal: Principal, @Param('org') org: string) {
    assertSameOrganisation(principal, org, 'register incoming documents');
    return { registeredFor: org };
  }
}

/** What a service's RevocationStore answers, kept in memory. */
class RevokedList implements RevocationCheck {
  readonly sessions = new Set<string>();
  readonly usersBefore = new Map<string, number>();
  async isRevoked(token: TokenSubject): Promise<boolean> {
    return this.sessions.has(token.sessionId) || (this.usersBefore.get(token.userId) ?? 0) > token.issuedAt;
  }
}
const revoked = new RevokedList();

@Global()
@Module({ providers: [{ provide: REVOCATION_CHECK, useValue: revoked }], exports: [REVOCATION_CHECK] })
class RevocationsModule {}

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
let sessions = 0;
/** Issues each token in a session of its own unless told which. */
class TokenIssuer {
  private readonly inner: Issuer;
  constructor(key: typeof privateKey, now?: () => Date) {
    this.inner = new Issuer({ kid: 'k1', privateKey: key }, now);
  }
  issue(principal: Principal, ttlSeconds: number, options: { sessionId?: string; csrfHash?: string } = {}): Promise<string> {
    return this.inner.issue(principal, { sessionId: options.sessionId ?? `session-${++sessions}`, ttlSeconds, ...(options.csrfHash === undefined ? {} : { csrfHash: options.csrfHash }) });
  }
}
const issuer = new TokenIssuer(privateKey);
const clerk: Principal = { userId: 'u-1', username: 'vp.clerk', orgCode: '000.01.13.H26', roles: ['clerk'], displayName: 'Hồ Hồng Thủy' };
const signer: Principal = { userId: 'u-2', username: 'vp.signer', orgCode: '000.01.13.H26', roles: ['signer'], displayName: 'Lê Văn An' };

let app: INestApplication;
let base: string;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ imports: [RevocationsModule, IdentityModule.forRoot({ keys: publicKey })], controllers: [DocumentsController] }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
});
afterAll(() => app.close());

async function call(path: string, authorization?: string): Promise<{ status: number; body: { message?: string } & Record<string, unknown>; challenge: string | null }> {
  const response = await fetch(`${base}${path}`, { headers: authorization === undefined ? {} : { authorization } });
  return { status: response.status, body: (await response.json()) as { message?: string }, challenge: response.headers.get('www-authenticate') };
}

const bearer = async (p: Principal, ttl = 300) => `Bearer ${await issuer.issue(p, ttl)}`;

describe('IdentityModule guard over HTTP', () => {
  it('lets a public route through without a token', async () => {
    expect(await call('/documents/health')).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('answers 401 with a reason and a Bearer challenge when the token is missing', async () => {
    const res = await call('/documents/mine');
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('missing bearer token: send "Authorization: Bearer <token>" (or sign in with a browser)');
    expect(res.challenge).toBe('Bearer realm="edoc"');
  });

  it('answers 401 for another scheme and for a malformed token', async () => {
    expect(await call('/documents/mine', 'Basic dXNlcjpwYXNz')).toMatchObject({ status: 401, body: { message: 'the Authorization header must use the Bearer scheme, not "Basic"' } });
    const malformed = await call('/documents/mine', 'Bearer not-a-jwt');
    expect(malformed).toMatchObject({ status: 401, body: { message: 'token is malformed: not a signed JWT' } });
    expect(malformed.challenge).toMatch(/^Bearer realm="edoc", error="invalid_token", error_description="token is malformed/);
    expect(await call('/documents/mine', 'Bearer ')).toMatchObject({ status: 401 });
  });

  it('answers 401 for a token signed by someone else', async () => {
    const forged = await new TokenIssuer(generateKeyPairSync('ed25519').privateKey).issue(clerk, 300);
    expect(await call('/documents/mine', `Bearer ${forged}`)).toMatchObject({ status: 401, body: { message: 'token signature is not valid for this system' } });
  });

  it('answers 401 for an expired token', async () => {
    const old = await new TokenIssuer(privateKey, () => new Date(Date.now() - 3600_000)).issue(clerk, 60);
    const res = await call('/documents/mine', `Bearer ${old}`);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/^token expired at /);
  });

  it('hands the principal to the handler', async () => {
    expect(await call('/documents/mine', await bearer(clerk))).toMatchObject({ status: 200, body: { ...clerk, sessionId: expect.stringMatching(/^session-/) } });
  });

  it('refuses at once a token whose session, or whose user, was revoked', async () => {
    const token = await issuer.issue(clerk, 300, { sessionId: 'to-end' });
    expect((await call('/documents/mine', `Bearer ${token}`)).status).toBe(200);
    revoked.sessions.add('to-end');
    expect(await call('/documents/mine', `Bearer ${token}`)).toMatchObject({ status: 401, body: { message: expect.stringMatching(/session of this token has ended/) } });
    const other = await bearer(signer);
    revoked.usersBefore.set(signer.userId, Math.floor(Date.now() / 1000) + 1);
    expect((await call('/documents/sign', other)).status).toBe(401);
    revoked.usersBefore.clear();
  });

  it('takes the access cookie when there is no Authorization header, and then wants the CSRF header on unsafe methods', async () => {
    const csrf = 'csrf-token-of-the-session';
    const token = await issuer.issue(clerk, 300, { csrfHash: csrfHash(csrf) });
    const send = (method: string, headers: Record<string, string>) => fetch(`${base}/documents/mine`, { method, headers }).then(async (r) => ({ status: r.status, body: (await r.json()) as { message?: string } }));
    expect((await send('GET', { cookie: `edoc_access=${token}` })).status).toBe(200);
    expect(await send('POST', { cookie: `edoc_access=${token}; edoc_csrf=${csrf}` })).toMatchObject({ status: 403, body: { message: expect.stringMatching(/needs the X-CSRF-Token header/) } });
    expect((await send('POST', { cookie: `edoc_access=${token}; edoc_csrf=${csrf}`, 'x-csrf-token': 'another' })).status).toBe(403);
    // A pair planted by someone else (cookie and header agree) is not the session's.
    expect(await send('POST', { cookie: `edoc_access=${token}; edoc_csrf=planted`, 'x-csrf-token': 'planted' })).toMatchObject({ status: 403, body: { message: 'the CSRF token does not belong to this session' } });
    expect(await send('POST', { cookie: `edoc_access=${token}; edoc_csrf=${csrf}`, 'x-csrf-token': csrf })).toMatchObject({ status: 201, body: { changedBy: 'vp.clerk' } });
    // A bearer header needs no CSRF token: no browser adds it by itself.
    expect((await send('POST', { authorization: `Bearer ${token}` })).status).toBe(201);
  });

  it('answers 403 with a reason when the principal lacks the role (handler roles override the controller)', async () => {
    const res = await call('/documents/mine', await bearer(signer));
    expect(res).toMatchObject({ status: 403, body: { message: 'this action needs the role clerk or admin; vp.signer holds signer' } });
    expect(await call('/documents/sign', await bearer(signer))).toMatchObject({ status: 200, body: { signedBy: 'vp.signer' } });
    expect(await call('/documents/sign', await bearer(clerk))).toMatchObject({ status: 403 });
  });

  it('answers 403 naming both units when a clerk acts for another organisation', async () => {
    expect(await call('/documents/register/000.01.13.H26', await bearer(clerk))).toMatchObject({ status: 200 });
    expect(await call('/documents/register/000.31.13.H26', await bearer(clerk))).toMatchObject({
      status: 403,
      body: { message: 'a clerk of 000.01.13.H26 cannot register incoming documents of 000.31.13.H26' },
    });
  });
});

import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, decodeJwt, SignJWT, UnsecuredJWT, type JWK } from 'jose';
import { InvalidTokenError, TokenExpiredError, TokenIssuer as Issuer, TokenVerifier, type Principal, type TokenError } from '@edoc/identity';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const clerk: Principal = { userId: 'u-1', username: 'vp.clerk', orgCode: '000.01.13.H26', roles: ['clerk'], displayName: 'Hồ Hồng Thủy' };
const SESSION = '6f1c3a9e-1b2d-4c5e-8f70-0a1b2c3d4e5f';
const withSession = { ...clerk, sessionId: SESSION };

/** The issuer with one key (kid "k1"), issuing in session SESSION. */
class TokenIssuer {
  private readonly inner: Issuer;
  constructor(key: KeyObject, now?: () => Date) {
    this.inner = new Issuer({ kid: 'k1', privateKey: key }, now);
  }
  issue(principal: Principal, ttlSeconds: number, csrfHash?: string): Promise<string> {
    return this.inner.issue(principal, { sessionId: SESSION, ttlSeconds, ...(csrfHash === undefined ? {} : { csrfHash }) });
  }
}

async function failure(promise: Promise<unknown>): Promise<TokenError> {
  try {
    await promise;
  } catch (error) {
    return error as TokenError;
  }
  throw new Error('expected the token to be refused');
}

function forge(key: KeyObject, claims: Record<string, unknown>, tweak: (jwt: SignJWT) => SignJWT = (j) => j): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ preferred_username: 'x', name: 'X', org: '000.01.13.H26', roles: ['clerk'], sid: SESSION, ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
    .setSubject('u-x')
    .setIssuer('edoc')
    .setAudience('edoc')
    .setIssuedAt(now)
    .setExpirationTime(now + 60);
  return tweak(jwt).sign(key);
}

describe('TokenIssuer and TokenVerifier', () => {
  const issuer = new TokenIssuer(privateKey);
  const verifier = new TokenVerifier(publicKey);

  it('round-trips a principal with its session, and names its key (kid) and session (sid)', async () => {
    const token = await issuer.issue(clerk, 600, 'hash-of-csrf');
    expect(token.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: 'k1' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'u-1', sid: SESSION, iss: 'edoc', aud: 'edoc', cth: 'hash-of-csrf', preferred_username: 'vp.clerk', org: '000.01.13.H26', roles: ['clerk'] });
    expect((claims.exp as number) - (claims.iat as number)).toBe(600);
    const verified = await verifier.verify(token);
    expect(verified.principal).toEqual(withSession);
    expect([verified.issuedAt, verified.expiresAt, verified.csrfHash]).toEqual([claims.iat, claims.exp, 'hash-of-csrf']);
  });

  it('picks the key by kid from a key set (the identity service\u2019s JWKS) and refuses a kid it does not publish', async () => {
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'k1', alg: 'EdDSA' };
    const fromSet = new TokenVerifier(createLocalJWKSet({ keys: [jwk] }));
    expect((await fromSet.verify(await issuer.issue(clerk, 60))).principal).toEqual(withSession);
    const other = new Issuer({ kid: 'k2', privateKey: generateKeyPairSync('ed25519').privateKey });
    const error = await failure(fromSet.verify(await other.issue(clerk, { sessionId: SESSION, ttlSeconds: 60 })));
    expect([error.problem, error.message]).toEqual(['bad-signature', 'token is signed with a key this system does not publish']);
  });

  it('refuses a token without a session id, and issues none longer than 15 minutes', async () => {
    const sessionless = await forge(privateKey, { sid: undefined });
    expect((await failure(verifier.verify(sessionless))).message).toMatch(/"sid"/);
    await expect(issuer.issue(clerk, 901)).rejects.toThrow(/between 1 and 900/);
    await expect(new Issuer({ kid: 'k1', privateKey }).issue(clerk, { sessionId: '', ttlSeconds: 60 })).rejects.toThrow(/id of its session/);
  });

  it('lets a sign-out read an expired token of ours, and nothing forged', async () => {
    const old = await new TokenIssuer(privateKey, () => new Date(Date.now() - 2 * 3600_000)).issue(clerk, 60);
    expect((await verifier.verify(old, { allowExpired: true })).principal.sessionId).toBe(SESSION);
    const forged = await new TokenIssuer(generateKeyPairSync('ed25519').privateKey).issue(clerk, 60);
    expect((await failure(verifier.verify(forged, { allowExpired: true }))).problem).toBe('bad-signature');
  });

  it('refuses an expired token, saying when it expired', async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const token = await new TokenIssuer(privateKey, () => twoHoursAgo).issue(clerk, 60);
    const error = await failure(verifier.verify(token));
    expect(error).toBeInstanceOf(TokenExpiredError);
    expect(error.problem).toBe('expired');
    expect((error as TokenExpiredError).expiredAt.getTime()).toBe(Math.floor(twoHoursAgo.getTime() / 1000) * 1000 + 60_000);
    expect(error.message).toMatch(/^token expired at \d{4}-\d\d-\d\dT/);
  });

  it('tolerates a small clock difference between machines', async () => {
    // Expired 5 s ago by the verifier's clock: within the 30 s tolerance.
    const token = await new TokenIssuer(privateKey, () => new Date(Date.now() - 65_000)).issue(clerk, 60);
    expect((await verifier.verify(token)).principal).toEqual(withSession);
    const clockAhead = new TokenVerifier(publicKey, () => new Date(Date.now() + 40_000));
    expect((await failure(clockAhead.verify(token))).problem).toBe('expired');
  });

  it('refuses a token signed by another key', async () => {
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const error = await failure(verifier.verify(await new TokenIssuer(stranger).issue(clerk, 60)));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect([error.problem, error.message]).toEqual(['bad-signature', 'token signature is not valid for this system']);
  });

  it('refuses a token whose claims were edited after signing', async () => {
    const [header, , signature] = (await issuer.issue(clerk, 60)).split('.');
    const edited = Buffer.from(JSON.stringify({ sub: 'u-1', sid: SESSION, preferred_username: 'vp.clerk', name: 'x', org: '000.01.13.H26', roles: ['admin'], iss: 'edoc', aud: 'edoc', iat: 1, exp: 9e9 })).toString('base64url');
    expect((await failure(verifier.verify(`${header}.${edited}.${signature}`))).problem).toBe('bad-signature');
  });

  it('refuses unsigned and HMAC tokens', async () => {
    const unsigned = new UnsecuredJWT({ roles: ['admin'] }).setSubject('u').setIssuer('edoc').setAudience('edoc').setIssuedAt().setExpirationTime('1h').encode();
    expect((await failure(verifier.verify(unsigned))).problem).toMatch(/malformed|bad-signature/);
    const hmac = await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuedAt().setExpirationTime('1h').sign(Buffer.alloc(32, 1));
    const error = await failure(verifier.verify(hmac));
    expect([error.problem, error.message]).toEqual(['bad-signature', 'token is not signed with EdDSA']);
  });

  it.each(['', 'abc', 'a.b.c', 'eyJhbGciOiJFZERTQSJ9.e30'])('refuses the malformed token %p', async (token) => {
    const error = await failure(verifier.verify(token));
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error.problem).toMatch(/malformed|missing/);
  });

  it('refuses a token meant for another audience or from another issuer', async () => {
    const foreign = await forge(privateKey, {}, (j) => j.setAudience('other-system'));
    expect(await failure(verifier.verify(foreign))).toMatchObject({ problem: 'invalid-claims', message: expect.stringMatching(/"aud"/) });
    const otherIssuer = await forge(privateKey, {}, (j) => j.setIssuer('someone'));
    expect(await failure(verifier.verify(otherIssuer))).toMatchObject({ problem: 'invalid-claims', message: expect.stringMatching(/"iss"/) });
  });

  it('refuses a correctly signed token whose principal is unusable', async () => {
    const badRoles = await forge(privateKey, { roles: ['clerk', 'superuser'], org: 'H26' });
    const error = await failure(verifier.verify(badRoles));
    expect(error.problem).toBe('invalid-claims');
    expect(error.message).toBe('token claims are invalid: organisation code "H26" is not of the shape ddd.dd.dd.Ldd; role "superuser" is unknown');
  });

  it('refuses a token that is not valid yet', async () => {
    const later = await forge(privateKey, {}, (j) => j.setNotBefore(Math.floor(Date.now() / 1000) + 3600));
    expect((await failure(verifier.verify(later))).problem).toBe('not-yet-valid');
  });

  it('will not issue for a bad principal or lifetime, nor use the wrong kind of key', async () => {
    await expect(issuer.issue({ ...clerk, roles: [] }, 60)).rejects.toThrow('cannot issue a token: roles are missing');
    await expect(issuer.issue({ ...clerk, orgCode: 'x' }, 60)).rejects.toThrow(/organisation code "x"/);
    await expect(issuer.issue(clerk, 0)).rejects.toThrow(RangeError);
    await expect(issuer.issue(clerk, 1.5)).rejects.toThrow(/whole number of seconds/);
    expect(() => new TokenIssuer(publicKey)).toThrow(/needs an Ed25519 private key/);
    expect(() => new Issuer({ kid: '', privateKey })).toThrow(/key id/);
    expect(() => new TokenVerifier(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).toThrow(/needs an Ed25519 public key/);
  });

  it('accepts the private key in a verifier and keeps only its public half', async () => {
    expect((await new TokenVerifier(privateKey).verify(await issuer.issue(clerk, 60))).principal).toEqual(withSession);
  });
});

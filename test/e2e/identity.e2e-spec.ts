import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { demoPassword } from '@edoc/identity';
import type { TokenPair } from '@edoc/identity-client';
import { waitFor } from '@edoc/testing';
import { http } from '../support/http';
import { CookieJar, TestOidcProvider } from '../support/oidc-provider';
import { SERVICE_NAMES, TestExchange } from '../support/test-exchange';

const ROOT = resolve(__dirname, '..', '..');
const WARD_OFFICE = '000.31.13.H26';
const GOOD_PASSWORD = 'Sổ công văn đến 2026';

/** The claims of a JWT, unverified: the test reads what the identity service put in. */
interface AccessClaims {
  iat: number;
  exp: number;
  sub: string;
  sid: string;
  preferred_username: string;
}

function claims(token: string): AccessClaims {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as AccessClaims;
}

describe('identity: users in the database, sign-in, sessions and revocation everywhere', () => {
  let exchange: TestExchange;
  let config: string;

  beforeAll(async () => {
    // Fast backoff and a low lock threshold, so that the lockout is reached within the test.
    exchange = await TestExchange.start({
      env: { EDOC_SIGNIN_BACKOFF_AFTER: '2', EDOC_SIGNIN_BACKOFF_MS: '200', EDOC_SIGNIN_BACKOFF_MAX_MS: '400', EDOC_SIGNIN_LOCK_AFTER: '5', EDOC_SIGNIN_LOCK_SECONDS: '600' },
    });
    config = mkdtempSync(join(tmpdir(), 'edoc-login-'));
  });

  afterAll(async () => {
    rmSync(config, { recursive: true, force: true });
    await exchange?.stop();
  });

  const login = (username: string, password: string) =>
    fetch(exchange.url('identity', '/auth/login'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });

  /** A user of the ward office made by the district administrator, with a password of its own. */
  async function addUser(username: string, roles: string[] = ['clerk']): Promise<void> {
    const added = await http(exchange.url('identity', '/users'), { token: exchange.token('admin'), json: { username, displayName: `Người dùng ${username}`, orgCode: WARD_OFFICE, roles, password: GOOD_PASSWORD } });
    expect([username, added.status]).toEqual([username, 201]);
  }

  /** What each service answers the token on its /metrics: 403 for a live clerk's token (not an administrator), 401 once its session has ended. */
  const answersOf = (token: string) => Promise.all(SERVICE_NAMES.map(async (name) => [name, (await fetch(exchange.url(name, '/metrics'), { headers: { authorization: `Bearer ${token}` } })).status] as const));
  const refusedEverywhere = (token: string, what: string) =>
    waitFor(what, async () => (await answersOf(token)).every(([, status]) => status === 401), { timeoutMs: 10_000, intervalMs: 100 });

  it('signs a demo user in with its demo password: an access token of at most 15 minutes and a refresh token', async () => {
    const answer = await login('hbt.clerk', demoPassword('hbt.clerk'));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const pair = (await answer.json()) as TokenPair;
    const { iat, exp, sub, sid, preferred_username } = claims(pair.accessToken);
    expect(exp - iat).toBeLessThanOrEqual(15 * 60);
    // The subject is the user's lasting id (a renamed user stays the same subject); the name rides along.
    expect(sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect([preferred_username, sid]).toEqual(['hbt.clerk', pair.sessionId]);
    expect(pair.user).toMatchObject({ username: 'hbt.clerk', roles: ['clerk'] });
    expect(pair.refreshToken.length).toBeGreaterThan(20);
    // The token opens the API: the clerk sees its documents.
    expect((await http(exchange.url('intake', '/documents'), { token: pair.accessToken })).status).toBe(200);
  });

  it('answers a wrong password and an unknown user alike, so that usernames cannot be guessed', async () => {
    const wrong = await login('vp.clerk', 'not the password');
    const unknown = await login('nobody.here', 'not the password');
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(await wrong.json()).toEqual(await unknown.json());
    expect((await login('vp.clerk', '')).status).toBe(401);
    // Forms of other sites cannot sign anyone in: JSON only.
    const form = await fetch(exchange.url('identity', '/auth/login'), { method: 'POST', body: new URLSearchParams({ username: 'vp.clerk', password: demoPassword('vp.clerk') }) });
    expect(form.status).toBe(415);
  });

  it('makes repeated failures wait, then locks the username: even the right password is refused until the lock ends', async () => {
    await addUser('khoa.clerk');
    const refusals: number[] = [];
    let locked: { message: string; retryAfter: number } | undefined;
    for (let attempt = 0; attempt < 40 && locked === undefined; attempt++) {
      const answer = await login('khoa.clerk', 'guessing again');
      const body = (await answer.json()) as { message: string };
      if (answer.status === 401) refusals.push(attempt);
      else if (answer.status === 429 && /locked/.test(body.message)) locked = { message: body.message, retryAfter: Number(answer.headers.get('retry-after')) };
      else if (answer.status === 429) await new Promise((resolve) => setTimeout(resolve, 250));
      else throw new Error(`unexpected answer ${answer.status}: ${body.message}`);
    }
    // Two free failures, then each waits; the fifth failure locks.
    expect(refusals).toHaveLength(5);
    expect(refusals.slice(0, 2)).toEqual([0, 1]);
    expect(locked?.message).toMatch(/too many failed sign-ins: this username is locked; try again in \d+ s/);
    expect(locked!.retryAfter).toBeGreaterThan(500);
    const right = await login('khoa.clerk', GOOD_PASSWORD);
    expect(right.status).toBe(429);
    // Another username is not slowed by it.
    expect((await login('nv.clerk', demoPassword('nv.clerk'))).status).toBe(200);
  });

  it('rotates refresh tokens, and a refresh token used twice ends every session of its user on every service', async () => {
    await addUser('xoay.clerk');
    const first = (await (await login('xoay.clerk', GOOD_PASSWORD)).json()) as TokenPair;
    const other = (await (await login('xoay.clerk', GOOD_PASSWORD)).json()) as TokenPair;
    const second = await exchange.identity().refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.sessionId).toBe(first.sessionId);
    const third = await exchange.identity().refresh(second.refreshToken);
    expect((await answersOf(third.accessToken)).every(([, status]) => status === 403)).toBe(true);
    // The first refresh token again: stolen, or replayed. The whole user is signed out.
    await expect(exchange.identity().refresh(first.refreshToken)).rejects.toMatchObject({ status: 401 });
    await expect(exchange.identity().refresh(third.refreshToken)).rejects.toMatchObject({ status: 401 });
    await expect(exchange.identity().refresh(other.refreshToken)).rejects.toMatchObject({ status: 401 });
    await refusedEverywhere(third.accessToken, 'the rotated session refused on every service');
    await refusedEverywhere(other.accessToken, "the user's other session refused on every service");
    // Signing in again starts afresh.
    expect((await login('xoay.clerk', GOOD_PASSWORD)).status).toBe(200);
  });

  it('rotates the key that signs access tokens: the old key\'s tokens stay good on every service, new ones carry the new kid', async () => {
    const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string }).kid;
    const before = await exchange.signIn('hbt.signer');
    expect((await http(exchange.url('identity', '/keys/rotate'), { token: exchange.token('hbt.clerk'), json: {} })).status).toBe(403);
    const rotated = await http<{ kid: string; previousKids: string[] }>(exchange.url('identity', '/keys/rotate'), { token: exchange.token('admin'), json: {} });
    expect(rotated.status).toBe(201);
    expect(rotated.body.previousKids).toContain(kidOf(before.accessToken));
    const published = await http<{ keys: { kid: string }[] }>(exchange.url('identity', '/.well-known/jwks.json'));
    expect(published.body.keys.map((key) => key.kid)).toEqual(expect.arrayContaining([kidOf(before.accessToken), rotated.body.kid]));
    const after = await exchange.signIn('hbt.signer');
    expect(kidOf(after.accessToken)).toBe(rotated.body.kid);
    // 403 everywhere: both tokens are accepted (a signer is no administrator); 401 would mean refused.
    expect((await answersOf(before.accessToken)).map(([, status]) => status)).toEqual(SERVICE_NAMES.map(() => 403));
    expect((await answersOf(after.accessToken)).map(([, status]) => status)).toEqual(SERVICE_NAMES.map(() => 403));
  });

  it('signs out one session at once on all six services, and leaves the user\'s other sessions alone', async () => {
    const ending = await exchange.signIn('tckh.clerk');
    const staying = await exchange.signIn('tckh.clerk');
    expect((await answersOf(ending.accessToken)).map(([, status]) => status)).toEqual(SERVICE_NAMES.map(() => 403));
    await exchange.identity().logout(ending.accessToken);
    await refusedEverywhere(ending.accessToken, 'the signed-out token refused on every service');
    await expect(exchange.identity().refresh(ending.refreshToken)).rejects.toMatchObject({ status: 401 });
    expect((await answersOf(staying.accessToken)).map(([, status]) => status)).toEqual(SERVICE_NAMES.map(() => 403));
  });

  it('lets the district administrator manage users; a clerk cannot, and a disabled user is signed out everywhere', async () => {
    expect((await http(exchange.url('identity', '/users'), { token: exchange.token('hbt.clerk') })).status).toBe(403);
    const weak = await http<{ message: string[] }>(exchange.url('identity', '/users'), { token: exchange.token('admin'), json: { username: 'yeu.clerk', displayName: 'Yếu', orgCode: WARD_OFFICE, roles: ['clerk'], password: 'password' } });
    expect(weak.status).toBe(422);
    expect(weak.body.message.join('; ')).toMatch(/password: at least \d+ characters/);
    await addUser('tam.clerk');
    const session = await exchange.signIn('tam.clerk', GOOD_PASSWORD);
    const listed = await http<{ users: { username: string; roles: string[]; disabled: boolean }[] }>(exchange.url('identity', `/users?org=${WARD_OFFICE}`), { token: exchange.token('admin') });
    expect(listed.body.users.find((u) => u.username === 'tam.clerk')).toMatchObject({ roles: ['clerk'], disabled: false });
    expect((await http(exchange.url('identity', '/users/tam.clerk/disable'), { token: exchange.token('admin'), json: {} })).status).toBe(200);
    await refusedEverywhere(session.accessToken, "the disabled user's session refused on every service");
    const again = await login('tam.clerk', GOOD_PASSWORD);
    expect(again.status).toBe(401);
  });

  it('`edoc login` keeps the session in the user\'s config folder, readable by the owner only, and `edoc logout` ends it', async () => {
    const env = { ...process.env, ...exchange.env, XDG_CONFIG_HOME: config, EDOC_TOKEN: '' };
    const edoc = (args: string[], input = '') => spawnSync(process.execPath, [join(ROOT, 'bin', 'edoc.js'), ...args], { env, input, encoding: 'utf8', timeout: 60_000 });
    const wrong = edoc(['login', '--username', 'admin', '--password-stdin'], 'not the password\n');
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/wrong username or password/);
    const signedIn = edoc(['login', '--username', 'admin', '--password-stdin'], `${demoPassword('admin')}\n`);
    expect(signedIn.stderr).toBe('');
    expect(signedIn.stdout).toMatch(/signed in as admin/);
    const file = join(config, 'edoc', 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(config, 'edoc')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).not.toContain(demoPassword('admin'));
    // Other commands use the stored session.
    const listed = edoc(['users', 'list', '--org', WARD_OFFICE]);
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toMatch(/bachdang\.clerk/);
    const stored = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, TokenPair>)[exchange.url('identity')]!;
    expect(stored.user.username).toBe('admin');
    const signedOut = edoc(['logout']);
    expect(signedOut.stdout).toMatch(/signed out admin/);
    await refusedEverywhere(stored.accessToken, "the CLI's session refused on every service");
    expect(edoc(['users', 'list']).status).not.toBe(0);
  });

  describe('single sign-on through the district\'s OpenID provider (a real oidc-provider in a child process)', () => {
    let provider: TestOidcProvider;
    const ward = (username: string, extra: Record<string, unknown> = {}) => ({ claims: { preferred_username: username, name: `Cán bộ ${username}`, edoc_unit: WARD_OFFICE, edoc_roles: ['clerk'], ...extra } });

    beforeAll(async () => {
      const secretFile = join(exchange.dataFolder, 'oidc-client-secret');
      writeFileSync(secretFile, 'a client secret of the test provider\n', { mode: 0o600 });
      const redirectUri = exchange.url('identity', '/login/oidc/callback');
      provider = await TestOidcProvider.start({
        clientId: 'edoc',
        clientSecret: 'a client secret of the test provider',
        redirectUri,
        logFolder: exchange.dataFolder,
        // Another site than edoc's 127.0.0.1, as a district's provider is: the browser then treats the way back as cross-site.
        host: 'localhost',
        accounts: {
          'sub-sso-clerk': ward('sso.clerk'),
          'sub-sso-signer': ward('sso.signer', { edoc_roles: 'signer clerk', edoc_position: 'PHÓ CHỦ TỊCH' }),
          'sub-no-unit': { claims: { preferred_username: 'sso.nounit', name: 'Không đơn vị', edoc_roles: ['clerk'] } },
          'sub-other-app': { ...ward('sso.elsewhere'), misbehave: 'wrong-audience' },
          'sub-stale': { ...ward('sso.stale'), misbehave: 'expired' },
          'sub-taken': ward('hbt.clerk'),
          'sub-would-be-admin': ward('sso.boss', { edoc_roles: ['admin'] }),
        },
      });
      exchange.env = { ...exchange.env, EDOC_OIDC_ISSUER: provider.issuer, EDOC_OIDC_CLIENT_ID: 'edoc', EDOC_OIDC_CLIENT_SECRET_FILE: secretFile, EDOC_OIDC_REDIRECT_URI: redirectUri, EDOC_OIDC_SCOPES: 'openid profile edoc' };
      await exchange.stopService('identity');
      exchange.startService('identity');
      await exchange.waitReady('identity');
    });

    afterAll(async () => {
      await provider?.stop();
    });

    /** A browser that starts at edoc's sign-in, signs in at the provider as `account`, and comes back. */
    async function signInThroughProvider(account: string, jar = new CookieJar()) {
      const back = exchange.url('intake', '/documents');
      const atProvider = await jar.follow(exchange.url('identity', `/login/oidc?return=${encodeURIComponent(back)}`), (next) => next.includes('/interaction/'));
      provider.assertAlive();
      expect(atProvider.url).toContain(provider.issuer);
      const returned = await jar.follow(`${atProvider.url}?login=${account}`, (next) => next.startsWith(exchange.url('identity', '/login/oidc/callback')));
      const callback = await jar.get(returned.url);
      return { jar, callback, page: await callback.text(), access: jar.value(exchange.url('identity'), 'edoc_access') };
    }

    it('offers the provider on the sign-in page, and signs a new user in with the unit and roles its claims give', async () => {
      const loginPage = await (await fetch(exchange.url('identity', '/login'), { headers: { 'accept-language': 'en' } })).text();
      expect(loginPage).toContain('href="/login/oidc"');
      const first = await signInThroughProvider('sub-sso-clerk');
      expect(first.callback.status).toBe(200);
      // The page moves on by itself to where the sign-in began (same-site, so the Strict cookies go along).
      expect(first.page).toContain(`url=${exchange.url('intake', '/documents')}`);
      expect(first.access).toBeDefined();
      expect(claims(first.access!).preferred_username).toBe('sso.clerk');
      expect((await http(exchange.url('intake', '/documents'), { token: first.access! })).status).toBe(200);
      const user = await http<{ orgCode: string; roles: string[]; hasPassword: boolean }>(exchange.url('identity', '/users/sso.clerk'), { token: exchange.token('admin') });
      expect(user.body).toMatchObject({ orgCode: WARD_OFFICE, roles: ['clerk'], hasPassword: false });
      // The second sign-in finds the same user by the provider's subject.
      const second = await signInThroughProvider('sub-sso-clerk');
      expect(claims(second.access!).sub).toBe(claims(first.access!).sub);
      // A signer's position comes from its claim too.
      const signer = await signInThroughProvider('sub-sso-signer');
      expect(signer.callback.status).toBe(200);
      const signerUser = await http<{ roles: string[]; signer: { position: string } }>(exchange.url('identity', '/users/sso.signer'), { token: exchange.token('admin') });
      expect(signerUser.body).toMatchObject({ roles: ['clerk', 'signer'], signer: { position: 'PHÓ CHỦ TỊCH' } });
    });

    it('refuses an id_token issued for another application, and one that expired, and starts no session', async () => {
      const other = await signInThroughProvider('sub-other-app');
      expect(other.callback.status).toBe(401);
      expect(other.page).toMatch(/issued for another application/);
      expect(other.access).toBeUndefined();
      const stale = await signInThroughProvider('sub-stale');
      expect(stale.callback.status).toBe(401);
      expect(stale.page).toMatch(/answer \(id_token\) is expired or not yet valid \(claim &quot;exp&quot;\)/);
      expect(stale.access).toBeUndefined();
      expect((await http(exchange.url('identity', '/users/sso.elsewhere'), { token: exchange.token('admin') })).status).toBe(404);
      // Each refusal is in the audit trail, with its reason.
      await exchange.waitFor('the refusals in the audit trail', async () => {
        const page = await http<{ entries: unknown[] }>(exchange.url('archival', '/audit/entries?limit=5000'), { token: exchange.token('admin') });
        const text = JSON.stringify(page.body.entries);
        return text.includes('oidc_wrong_audience') && text.includes('oidc_expired');
      }, { timeoutMs: 20_000, intervalMs: 250 });
    });

    it('refuses a user the provider gives no unit, one it would make a district administrator, and a username already taken, each with its reason', async () => {
      const noUnit = await signInThroughProvider('sub-no-unit');
      expect(noUnit.callback.status).toBe(403);
      expect(noUnit.page).toMatch(/names no unit \(claim &quot;edoc_unit&quot;\)/);
      expect(noUnit.access).toBeUndefined();
      const boss = await signInThroughProvider('sub-would-be-admin');
      expect(boss.callback.status).toBe(403);
      expect(boss.page).toMatch(/gives no edoc role that single sign-on accepts/);
      const taken = await signInThroughProvider('sub-taken');
      expect(taken.callback.status).toBe(403);
      expect(taken.page).toMatch(/already belongs to an edoc account/);
      expect(taken.access).toBeUndefined();
    });

    it('works in a real browser coming back from another site: the page it started from opens signed in', async () => {
      const browser = await chromium.launch({ executablePath: process.env.EDOC_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
      try {
        const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
        const start = exchange.url('intake', '/documents');
        await page.goto(exchange.url('identity', `/login?return=${encodeURIComponent(start)}`));
        await Promise.all([page.waitForURL((url) => url.hostname === 'localhost'), page.click('#login-sso')]);
        await page.fill('#login', 'sub-sso-clerk');
        await Promise.all([page.waitForURL((url) => url.href === start), page.click('#provider-submit')]);
        // intake answered the page itself, with the session's (SameSite=Strict) cookie: a list, not a 401.
        expect(JSON.parse(await page.innerText('body'))).toHaveProperty('items');
      } finally {
        await browser.close();
      }
    });

    it('refuses a callback that did not start in this browser', async () => {
      const started = new CookieJar();
      const atProvider = await started.follow(exchange.url('identity', '/login/oidc'), (next) => next.includes('/interaction/'));
      const returned = await started.follow(`${atProvider.url}?login=sub-sso-clerk`, (next) => next.startsWith(exchange.url('identity', '/login/oidc/callback')));
      // Another browser (no state cookie) brings the code: a login CSRF, or a stolen redirect.
      const elsewhere = await new CookieJar().get(returned.url);
      expect(elsewhere.status).toBe(401);
      expect(await elsewhere.text()).toMatch(/did not start in this browser/);
    });
  });
});

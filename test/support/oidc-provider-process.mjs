// A real OpenID provider (the oidc-provider package) for the single sign-on tests, in a process of
// its own: oidc-provider is an ES module that jest cannot load in-process.
//
// Environment: OIDC_TEST_CLIENT_ID, OIDC_TEST_CLIENT_SECRET, OIDC_TEST_REDIRECT_URI, OIDC_TEST_HOST
// (the issuer's host name, 127.0.0.1 or localhost: another site than edoc's for a browser), and
// OIDC_TEST_ACCOUNTS: {"<account id>": {"claims": {...}, "misbehave": "wrong-audience" | "expired"}}.
// Prints "issuer <url>" once it listens.
//
// The provider's login form asks only which account: GET /interaction/<uid>?login=<id> signs that
// account in and grants what the client asked for. An account that "misbehaves"
// gets an id_token re-signed with the provider's own key after one change: its audience is another
// application, or it expired an hour ago (a replayed token, or a provider whose clock is wrong).
import { createServer } from 'node:http';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import Provider from 'oidc-provider';

const accounts = JSON.parse(process.env.OIDC_TEST_ACCOUNTS ?? '{}');
const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-provider-key', alg: 'RS256', use: 'sig' };

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://${process.env.OIDC_TEST_HOST ?? '127.0.0.1'}:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_TEST_CLIENT_ID,
      client_secret: process.env.OIDC_TEST_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_TEST_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [jwk] },
  scopes: ['openid', 'profile', 'edoc'],
  claims: { openid: ['sub'], profile: ['preferred_username', 'name'], edoc: ['edoc_unit', 'edoc_roles', 'edoc_position'] },
  findAccount: (_ctx, id) => (accounts[id] === undefined ? undefined : { accountId: id, claims: () => ({ sub: id, ...accounts[id].claims }) }),
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: { devInteractions: { enabled: false } },
  cookies: { keys: ['test-provider-cookie-key'] },
});

provider.use(async (ctx, next) => {
  await next();
  if (ctx.oidc?.route !== 'token' || typeof ctx.body?.id_token !== 'string') return;
  const claims = decodeJwt(ctx.body.id_token);
  const misbehave = accounts[claims.sub]?.misbehave;
  if (misbehave === 'wrong-audience') claims.aud = 'another-application';
  else if (misbehave === 'expired') Object.assign(claims, { iat: claims.iat - 3600, exp: claims.iat - 3000 });
  else return;
  ctx.body.id_token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: jwk.kid, typ: 'JWT' }).sign(privateKey);
});

const callback = provider.callback();
server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  const match = /^\/interaction\/([^/]+)$/.exec(url.pathname);
  if (match === null) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    const accountId = url.searchParams.get('login');
    if (accountId === null) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Test provider</title><form method="get"><label for="login">Account</label><input id="login" name="login"><button id="provider-submit">Sign in</button></form>`);
      return;
    }
    if (accounts[accountId] === undefined) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`no account ${accountId}`);
      return;
    }
    const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false });
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error?.stack ?? error));
  }
});

process.stdout.write(`issuer ${issuer}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));

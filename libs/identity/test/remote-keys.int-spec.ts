import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, type JWK } from 'jose';
import { remoteVerificationKeys } from '../src/remote-keys';

interface TestKey {
  kid: string;
  privateKey: KeyObject;
  jwk: JWK;
}

function newKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = randomUUID();
  return { kid, privateKey, jwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid, alg: 'EdDSA', use: 'sig' } };
}

const tokenOf = (key: TestKey) => new SignJWT({}).setProtectedHeader({ alg: 'EdDSA', kid: key.kid }).setIssuedAt().setExpirationTime('5m').sign(key.privateKey);
const header = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { alg: string; kid: string };

/** The identity service's key set as the other services fetch it, from a stand-in that counts the fetches. */
describe('the remote key set after a rotation', () => {
  let server: Server;
  let published: JWK[] = [];
  let fetches = 0;
  let baseUrl: string;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      fetches++;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('accepts a token of a key added just after its last fetch (within the cooldown), at its first use', async () => {
    const old = newKey();
    published = [old.jwk];
    const keys = remoteVerificationKeys(baseUrl);
    const first = await tokenOf(old);
    await expect(keys(header(first), { payload: '', signature: '' } as never)).resolves.toBeDefined();
    const rotated = newKey();
    published = [rotated.jwk, old.jwk];
    const fresh = await tokenOf(rotated);
    await expect(keys(header(fresh), { payload: '', signature: '' } as never)).resolves.toBeDefined();
  });

  it('refuses a made-up key id after one more fetch, and fetches at most about once a second for a flood of them', async () => {
    const known = newKey();
    published = [known.jwk];
    const keys = remoteVerificationKeys(baseUrl);
    await keys(header(await tokenOf(known)), { payload: '', signature: '' } as never);
    fetches = 0;
    const began = Date.now();
    const forged = Array.from({ length: 50 }, () => ({ alg: 'EdDSA', kid: randomUUID() }));
    const outcomes = await Promise.allSettled(forged.map((h) => keys(h, { payload: '', signature: '' } as never)));
    expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY')).toBe(true);
    const seconds = Math.max(1, (Date.now() - began) / 1000);
    expect(fetches).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
  });
});

import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAuthPublicKey, loadOrCreateAuthKeys } from '@edoc/identity';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'edoc-keys-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const pairWorks = (keys: { privateKey: Parameters<typeof sign>[2]; publicKey: Parameters<typeof verify>[2] }) =>
  verify(null, Buffer.from('m'), keys.publicKey, sign(null, Buffer.from('m'), keys.privateKey));

describe('loadOrCreateAuthKeys', () => {
  it('creates an Ed25519 pair on first use, private key readable by the owner only, and reuses it', async () => {
    const first = await loadOrCreateAuthKeys(dataDir, {});
    expect(first.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(pairWorks(first)).toBe(true);
    const file = join(dataDir, 'keys', 'auth-ed25519.pem');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(join(dataDir, 'keys', 'auth-ed25519.pub.pem'), 'utf8')).toContain('BEGIN PUBLIC KEY');

    const again = await loadOrCreateAuthKeys(dataDir, {});
    expect(again.publicKey.export({ format: 'jwk' })).toEqual(first.publicKey.export({ format: 'jwk' }));
  });

  it('gives every one of several services starting at once the same key', async () => {
    const pairs = await Promise.all(Array.from({ length: 6 }, () => loadOrCreateAuthKeys(dataDir, {})));
    const publics = new Set(pairs.map((p) => p.publicKey.export({ format: 'jwk' }).x));
    expect(publics.size).toBe(1);
  });

  it('uses EDOC_AUTH_PRIVATE_KEY_FILE and refuses one that is missing', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const file = join(dataDir, 'mounted.pem');
    await writeFile(file, privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const keys = await loadOrCreateAuthKeys(dataDir, { EDOC_AUTH_PRIVATE_KEY_FILE: file });
    expect(keys.privateKey.export({ format: 'jwk' })).toEqual(privateKey.export({ format: 'jwk' }));
    await expect(loadOrCreateAuthKeys(dataDir, { EDOC_AUTH_PRIVATE_KEY_FILE: join(dataDir, 'absent.pem') })).rejects.toThrow(
      /EDOC_AUTH_PRIVATE_KEY_FILE names .*absent\.pem, which does not exist/,
    );
  });

  it('refuses a file that is not a PEM key without printing its content, and a key of another type', async () => {
    const garbage = join(dataDir, 'garbage.pem');
    await writeFile(garbage, 'secret-material-1234');
    const error = await loadOrCreateAuthKeys(dataDir, { EDOC_AUTH_PRIVATE_KEY_FILE: garbage }).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/garbage\.pem does not contain a PEM private key/);
    expect((error as Error).message).not.toContain('secret-material');

    const rsa = join(dataDir, 'rsa.pem');
    await writeFile(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
    await expect(loadOrCreateAuthKeys(dataDir, { EDOC_AUTH_PRIVATE_KEY_FILE: rsa })).rejects.toThrow(/needs an Ed25519 private key, got private rsa/);
  });

  it('refuses a configured public key that does not belong to the private key', async () => {
    await loadOrCreateAuthKeys(dataDir, {});
    const other = join(dataDir, 'other.pub.pem');
    await writeFile(other, generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }));
    await expect(loadOrCreateAuthKeys(dataDir, { EDOC_AUTH_PUBLIC_KEY_FILE: other })).rejects.toThrow(/other\.pub\.pem does not belong to the private key/);
  });
});

describe('loadAuthPublicKey', () => {
  it('reads only EDOC_AUTH_PUBLIC_KEY_FILE when that is all a verifying service is given', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const file = join(dataDir, 'verify.pub.pem');
    await writeFile(file, publicKey.export({ format: 'pem', type: 'spki' }));
    const loaded = await loadAuthPublicKey(join(dataDir, 'elsewhere'), { EDOC_AUTH_PUBLIC_KEY_FILE: file });
    expect(loaded.export({ format: 'jwk' })).toEqual(publicKey.export({ format: 'jwk' }));
    await expect(loadAuthPublicKey(dataDir, { EDOC_AUTH_PUBLIC_KEY_FILE: join(dataDir, 'nope.pem') })).rejects.toThrow(/nope\.pem, which does not exist/);
  });

  it('refuses a private key given as the public key file', async () => {
    const file = join(dataDir, 'wrong.pem');
    await writeFile(file, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }));
    await expect(loadAuthPublicKey(dataDir, { EDOC_AUTH_PUBLIC_KEY_FILE: file })).rejects.toThrow(/holds a private key; give it the public key only/);
  });

  it('falls back to the public half of the local key pair', async () => {
    const pair = await loadOrCreateAuthKeys(dataDir, {});
    expect((await loadAuthPublicKey(dataDir, {})).export({ format: 'jwk' })).toEqual(pair.publicKey.export({ format: 'jwk' }));
  });
});

import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { assertEd25519, samePublicKey } from './key-checks';

export interface AuthKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

type Env = Record<string, string | undefined>;

const PRIVATE_FILE = 'auth-ed25519.pem';
const PUBLIC_FILE = 'auth-ed25519.pub.pem';

/** Where the token signing key lives: EDOC_AUTH_PRIVATE_KEY_FILE, else `<dataDir>/keys/auth-ed25519.pem`. */
export function authKeyPaths(dataDir: string, env: Env = process.env): { privateKeyFile: string; publicKeyFile: string; privateExplicit: boolean; publicExplicit: boolean } {
  const configuredPrivate = nonEmpty(env.EDOC_AUTH_PRIVATE_KEY_FILE);
  const configuredPublic = nonEmpty(env.EDOC_AUTH_PUBLIC_KEY_FILE);
  const privateKeyFile = configuredPrivate ?? join(dataDir, 'keys', PRIVATE_FILE);
  return {
    privateKeyFile,
    publicKeyFile: configuredPublic ?? join(dirname(privateKeyFile), PUBLIC_FILE),
    privateExplicit: configuredPrivate !== undefined,
    publicExplicit: configuredPublic !== undefined,
  };
}

/**
 * The key pair that signs and checks bearer tokens. On first start of the local stack the pair is
 * generated (private key 0600, public key beside it for verifying-only services); an explicitly
 * configured private key file must exist. Several services may start at once: the first to publish
 * the file wins and the others read it, so they never end up with different keys.
 */
export async function loadOrCreateAuthKeys(dataDir: string, env: Env = process.env): Promise<AuthKeys> {
  const paths = authKeyPaths(dataDir, env);
  let privateKey = await readPrivateKey(paths.privateKeyFile);
  if (privateKey === undefined) {
    if (paths.privateExplicit) throw new Error(`EDOC_AUTH_PRIVATE_KEY_FILE names ${paths.privateKeyFile}, which does not exist`);
    privateKey = await createPrivateKeyFile(paths.privateKeyFile);
  }
  const derived = createPublicKey(privateKey);
  const configuredPublic = await readPublicKey(paths.publicKeyFile);
  if (configuredPublic === undefined) {
    if (paths.publicExplicit) throw new Error(`EDOC_AUTH_PUBLIC_KEY_FILE names ${paths.publicKeyFile}, which does not exist`);
    await publishFile(paths.publicKeyFile, derived.export({ format: 'pem', type: 'spki' }) as string, 0o644);
  } else if (!samePublicKey(configuredPublic, derived)) {
    throw new Error(`public key ${paths.publicKeyFile} does not belong to the private key ${paths.privateKeyFile}`);
  }
  return { privateKey, publicKey: derived };
}

/**
 * The verifying key alone, for services that never issue tokens: EDOC_AUTH_PUBLIC_KEY_FILE if set,
 * else the public half of the local stack's key pair (created if needed).
 */
export async function loadAuthPublicKey(dataDir: string, env: Env = process.env): Promise<KeyObject> {
  const configured = nonEmpty(env.EDOC_AUTH_PUBLIC_KEY_FILE);
  if (configured !== undefined && nonEmpty(env.EDOC_AUTH_PRIVATE_KEY_FILE) === undefined) {
    const key = await readPublicKey(configured);
    if (key === undefined) throw new Error(`EDOC_AUTH_PUBLIC_KEY_FILE names ${configured}, which does not exist`);
    return key;
  }
  return (await loadOrCreateAuthKeys(dataDir, env)).publicKey;
}

async function readPrivateKey(path: string): Promise<KeyObject | undefined> {
  const pem = await readIfExists(path);
  if (pem === undefined) return undefined;
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    // Never echo the file's content: it is a secret.
    throw new Error(`auth private key file ${path} does not contain a PEM private key`);
  }
  assertEd25519(key, 'private', `auth private key file ${path}`);
  return key;
}

async function readPublicKey(path: string): Promise<KeyObject | undefined> {
  const pem = await readIfExists(path);
  if (pem === undefined) return undefined;
  // createPublicKey() would quietly derive the public half from a private key; a private key in a file
  // meant to be public is a leak, so say so.
  if (pem.includes('PRIVATE KEY')) throw new Error(`auth public key file ${path} holds a private key; give it the public key only`);
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error(`auth public key file ${path} does not contain a PEM public key`);
  }
  assertEd25519(key, 'public', `auth public key file ${path}`);
  return key;
}

async function createPrivateKeyFile(path: string): Promise<KeyObject> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    await chmod(temp, 0o600); // the umask cannot widen it, but make the intent explicit
    try {
      await link(temp, path);
      return privateKey;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  } finally {
    await rm(temp, { force: true });
  }
  // Another process created it first: use theirs.
  const winner = await readPrivateKey(path);
  if (winner === undefined) throw new Error(`auth private key file ${path} vanished while being created`);
  return winner;
}

/** Same bytes from every writer, so a plain atomic rename is enough; readers never see half a file. */
async function publishFile(path: string, content: string, mode: number): Promise<void> {
  const temp = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temp, content, { mode, flag: 'wx' });
    await rename(temp, path);
  } finally {
    await rm(temp, { force: true });
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

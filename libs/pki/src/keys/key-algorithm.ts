import { type KeyObject, constants, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { type Asn1, algorithmIdentifier } from '../asn1/build';
import { CONTEXT, type Tlv, children, readOid, readSmallInteger } from '../asn1/der';
import { HASH_BY_OID, type HashName, OID } from '../asn1/oids';
import { PkiError } from '../errors';

export type KeyAlgorithm = 'rsa-2048' | 'rsa-3072' | 'ec-p256';
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['rsa-2048', 'rsa-3072', 'ec-p256'];

export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function generateKeyPair(algorithm: KeyAlgorithm = 'rsa-2048'): KeyPair {
  switch (algorithm) {
    case 'rsa-2048':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
    case 'rsa-3072':
      return generateKeyPairSync('rsa', { modulusLength: 3072 });
    case 'ec-p256':
      return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    default:
      throw new PkiError('UNSUPPORTED_ALGORITHM', `unsupported key algorithm "${String(algorithm)}" (use ${KEY_ALGORITHMS.join(', ')})`);
  }
}

/** What a key is, for choosing signature algorithms and for telling the user. */
export function describeKey(key: KeyObject): { type: 'rsa' | 'ec'; label: string; signatureSize: number } {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < 2048) throw new PkiError('UNSUPPORTED_ALGORITHM', `RSA keys shorter than 2048 bits are not accepted (got ${bits})`);
    return { type: 'rsa', label: `rsa-${bits}`, signatureSize: Math.ceil(bits / 8) };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = details.namedCurve ?? 'unknown';
    if (curve !== 'prime256v1') throw new PkiError('UNSUPPORTED_ALGORITHM', `EC curve ${curve} is not supported (use P-256)`);
    return { type: 'ec', label: 'ec-p256', signatureSize: 72 };
  }
  throw new PkiError('UNSUPPORTED_ALGORITHM', `unsupported key type "${key.asymmetricKeyType ?? 'unknown'}" (use RSA or ECDSA P-256)`);
}

export interface SignatureAlgorithm {
  readonly oid: string;
  readonly params: 'null' | 'absent';
  readonly hash: HashName;
  readonly keyType: 'rsa' | 'ec';
}

export function signatureAlgorithmFor(key: KeyObject, hash: HashName = 'sha256'): SignatureAlgorithm {
  const { type } = describeKey(key);
  if (type === 'rsa') {
    const rsaOids: Record<HashName, string> = {
      sha1: OID.sha1WithRSAEncryption,
      sha256: OID.sha256WithRSAEncryption,
      sha384: OID.sha384WithRSAEncryption,
      sha512: OID.sha512WithRSAEncryption,
    };
    return { oid: rsaOids[hash], params: 'null', hash, keyType: 'rsa' };
  }
  const ecOids: Record<HashName, string> = {
    sha1: OID.ecdsaWithSHA1,
    sha256: OID.ecdsaWithSHA256,
    sha384: OID.ecdsaWithSHA384,
    sha512: OID.ecdsaWithSHA512,
  };
  return { oid: ecOids[hash], params: 'absent', hash, keyType: 'ec' };
}

export function signatureAlgorithmIdentifier(alg: SignatureAlgorithm): Asn1 {
  return algorithmIdentifier(alg.oid, alg.params);
}

/** The private-key operation: node:crypto only (node-forge's RSA is ~70× slower). */
export function signData(privateKey: KeyObject, alg: SignatureAlgorithm, data: Buffer): Buffer {
  return alg.keyType === 'ec' ? sign(alg.hash, data, { key: privateKey, dsaEncoding: 'der' }) : sign(alg.hash, data, privateKey);
}

interface ParsedSignatureAlgorithm {
  hash: HashName | undefined;
  scheme: 'pkcs1' | 'pss' | 'ecdsa' | 'unknown';
  saltLength?: number;
}

const BY_SIGNATURE_OID: Readonly<Record<string, ParsedSignatureAlgorithm>> = {
  [OID.sha1WithRSAEncryption]: { hash: 'sha1', scheme: 'pkcs1' },
  [OID.sha256WithRSAEncryption]: { hash: 'sha256', scheme: 'pkcs1' },
  [OID.sha384WithRSAEncryption]: { hash: 'sha384', scheme: 'pkcs1' },
  [OID.sha512WithRSAEncryption]: { hash: 'sha512', scheme: 'pkcs1' },
  [OID.ecdsaWithSHA1]: { hash: 'sha1', scheme: 'ecdsa' },
  [OID.ecdsaWithSHA256]: { hash: 'sha256', scheme: 'ecdsa' },
  [OID.ecdsaWithSHA384]: { hash: 'sha384', scheme: 'ecdsa' },
  [OID.ecdsaWithSHA512]: { hash: 'sha512', scheme: 'ecdsa' },
};

/**
 * Reads an AlgorithmIdentifier of a signature. CMS allows the bare key algorithm (rsaEncryption,
 * ecPublicKey) with the hash taken from the digest algorithm, so that is the fallback.
 */
export function parseSignatureAlgorithm(buf: Buffer, algId: Tlv, fallbackHash?: HashName): ParsedSignatureAlgorithm {
  const [oidTlv, params] = children(buf, algId);
  const algOid = readOid(buf, oidTlv, 'signature algorithm');
  const known = BY_SIGNATURE_OID[algOid];
  if (known) return known;
  if (algOid === OID.rsaEncryption) return { hash: fallbackHash, scheme: 'pkcs1' };
  if (algOid === OID.ecPublicKey) return { hash: fallbackHash, scheme: 'ecdsa' };
  if (algOid === OID.rsassaPss && params) {
    let hash: HashName | undefined = 'sha1';
    let saltLength = 20;
    for (const p of children(buf, params)) {
      if (p.tagClass !== CONTEXT) continue;
      const inner = children(buf, p)[0];
      if (p.tag === 0) hash = HASH_BY_OID[readOid(buf, children(buf, inner)[0])];
      if (p.tag === 2) saltLength = readSmallInteger(buf, inner);
    }
    return { hash, scheme: 'pss', saltLength };
  }
  return { hash: undefined, scheme: 'unknown' };
}

export function verifySignature(publicKey: KeyObject, alg: ParsedSignatureAlgorithm, data: Buffer, signature: Buffer): boolean {
  if (!alg.hash || alg.scheme === 'unknown') {
    throw new PkiError('UNSUPPORTED_ALGORITHM', 'unsupported signature algorithm');
  }
  try {
    if (alg.scheme === 'pss') {
      return verify(alg.hash, data, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength }, signature);
    }
    if (alg.scheme === 'ecdsa') return verify(alg.hash, data, { key: publicKey, dsaEncoding: 'der' }, signature);
    return verify(alg.hash, data, publicKey, signature);
  } catch {
    // A malformed signature value or a key of the wrong type is a failed check, not a crash.
    return false;
  }
}

export function publicKeyFromSpki(spkiDer: Buffer): KeyObject {
  try {
    return createPublicKey({ key: spkiDer, format: 'der', type: 'spki' });
  } catch (e) {
    throw new PkiError('BAD_KEY', `cannot read public key: ${(e as Error).message}`);
  }
}

import { createHash, verify } from 'node:crypto';
import * as graphene from 'graphene-pk11';
import { formatName } from '../asn1/name';
import type { ParsedCertificate } from '../certificates/parse-certificate';
import { PkiError } from '../errors';
import type { SigningKey } from '../identity/signing-key';
import { describeKey, type SignatureAlgorithm, signatureAlgorithmFor } from '../keys/key-algorithm';
import { rawEcdsaToDer } from './ecdsa-signature';
import { pkcs11Error } from './pkcs11-errors';
import { loadPkcs11Library } from './pkcs11-library';

export interface Pkcs11KeyOptions {
  /** The PKCS#11 library of the token or HSM, e.g. /usr/lib/softhsm/libsofthsm2.so. */
  module: string;
  /** The token's label; or the slot's index among slots with a token. */
  tokenLabel?: string;
  slot?: number;
  /** The user PIN. Kept only as long as the session needs it to log in again after a restart. */
  pin: string;
  /** The private key's CKA_LABEL or CKA_ID (hex); with neither, the key that belongs to the certificate (a signer's own token). */
  keyLabel?: string;
  keyId?: string;
  /** The certificate that belongs to the key, and its chain; the key is checked against it. */
  certificate: ParsedCertificate;
  chain?: readonly ParsedCertificate[];
}

/**
 * A private key on a PKCS#11 token or HSM (SoftHSM2 in tests): the key never leaves the device, each
 * signature is a C_Sign. Opening checks the PIN and that the key belongs to the certificate (by
 * signing a challenge). Should the device go away and come back, the next signature logs in again;
 * while it is away, sign() throws TOKEN_UNAVAILABLE, which callers treat as "try again later".
 */
export class Pkcs11SigningKey implements SigningKey {
  readonly keyAlgorithm: string;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signatureSize: number;
  readonly chain: readonly ParsedCertificate[];
  readonly certificate: ParsedCertificate;
  #session: graphene.Session | undefined;
  #key: graphene.PrivateKey | undefined;
  readonly #options: Pkcs11KeyOptions;

  private constructor(options: Pkcs11KeyOptions) {
    this.#options = options;
    this.certificate = options.certificate;
    this.chain = options.chain ?? [];
    const described = describeKey(options.certificate.publicKey);
    this.keyAlgorithm = described.label;
    this.signatureSize = described.signatureSize;
    this.signatureAlgorithm = signatureAlgorithmFor(options.certificate.publicKey);
  }

  static open(options: Pkcs11KeyOptions): Pkcs11SigningKey {
    if (options.tokenLabel === undefined && options.slot === undefined) throw new PkiError('BAD_ARGUMENT', 'a PKCS#11 key needs the token label or the slot');
    const key = new Pkcs11SigningKey(options);
    key.connect();
    const challenge = createHash('sha256').update(`edoc key check ${Date.now()}`).digest();
    if (!verify(key.signatureAlgorithm.hash, challenge, key.certificate.publicKey, key.sign(challenge))) {
      key.close();
      throw new PkiError('KEY_MISMATCH', `the key ${describeWhich(options)} on the token does not belong to the certificate ${formatName(key.certificate.subject)}`);
    }
    return key;
  }

  sign(data: Buffer): Buffer {
    try {
      return this.signOnce(data);
    } catch (error) {
      const failure = pkcs11Error(error, 'signing on the token');
      if (failure.code !== 'TOKEN_UNAVAILABLE') throw failure;
      // The device may have restarted: one new session, then give up for now.
      this.close();
      try {
        this.connect();
        return this.signOnce(data);
      } catch (again) {
        this.close();
        throw pkcs11Error(again, 'signing on the token');
      }
    }
  }

  /**
   * Closes the session. No C_Logout: the login state belongs to the application and the token, not
   * to the session, so logging out would log out every other key of this process on the same token;
   * it ends by itself when the last session to the token closes.
   */
  close(): void {
    try {
      this.#session?.close();
    } catch {
      // the device is gone
    }
    this.#session = undefined;
    this.#key = undefined;
  }

  private signOnce(data: Buffer): Buffer {
    if (this.#session === undefined || this.#key === undefined) this.connect();
    const session = this.#session as graphene.Session;
    const key = this.#key as graphene.PrivateKey;
    if (this.signatureAlgorithm.keyType === 'rsa') {
      return Buffer.from(session.createSign(rsaMechanism(this.signatureAlgorithm.hash), key).once(data));
    }
    // CKM_ECDSA signs a digest: the hash is ours, the private-key operation the token's.
    const digest = createHash(this.signatureAlgorithm.hash).update(data).digest();
    return rawEcdsaToDer(Buffer.from(session.createSign('ECDSA', key).once(digest)));
  }

  /**
   * Among the token's private keys, the one whose signature the certificate's public key verifies:
   * a signer's own token holds few keys, and may hold another person's (which is then refused).
   */
  private keyOfCertificate(session: graphene.Session, found: graphene.SessionObjectCollection): graphene.PrivateKey {
    const challenge = createHash('sha256').update(`edoc key search ${Date.now()}`).digest();
    const keyType = this.signatureAlgorithm.keyType === 'rsa' ? graphene.KeyType.RSA : graphene.KeyType.EC;
    for (let index = 0; index < found.length; index++) {
      const candidate = found.items(index).toType<graphene.PrivateKey>();
      if (candidate.type !== keyType) continue;
      this.#session = session;
      this.#key = candidate;
      try {
        if (verify(this.signatureAlgorithm.hash, challenge, this.certificate.publicKey, this.signOnce(challenge))) return candidate;
      } catch {
        // a key that cannot sign this way is not the one
      }
    }
    this.#session = undefined;
    this.#key = undefined;
    session.close();
    throw new PkiError('KEY_MISMATCH', `no key on the token belongs to the certificate ${formatName(this.certificate.subject)} (${found.length} private key(s) tried)`);
  }

  private connect(): void {
    const options = this.#options;
    try {
      const library = loadPkcs11Library(options.module);
      const slot = findSlot(library, options);
      const session = slot.open(graphene.SessionFlag.SERIAL_SESSION);
      try {
        session.login(options.pin, graphene.UserType.USER);
      } catch (error) {
        // Another key of this process is logged in to the same token: so is this session.
        if (!/CKR_USER_ALREADY_LOGGED_IN/.test((error as Error).message)) {
          session.close();
          throw error;
        }
      }
      const template: graphene.ITemplate = { class: graphene.ObjectClass.PRIVATE_KEY };
      if (options.keyLabel !== undefined) template.label = options.keyLabel;
      if (options.keyId !== undefined) template.id = Buffer.from(options.keyId, 'hex');
      const found = session.find(template);
      if (found.length === 0) {
        session.close();
        throw new PkiError('KEY_NOT_FOUND', `no private key ${describeWhich(options)} on the token`);
      }
      const key = options.keyLabel === undefined && options.keyId === undefined ? this.keyOfCertificate(session, found) : found.items(0).toType<graphene.PrivateKey>();
      const expected = this.signatureAlgorithm.keyType === 'rsa' ? graphene.KeyType.RSA : graphene.KeyType.EC;
      const actual = key.type;
      if (actual !== expected) {
        session.close();
        throw new PkiError('KEY_MISMATCH', `the key ${describeWhich(options)} is ${graphene.KeyType[actual] ?? actual}, the certificate's is ${this.signatureAlgorithm.keyType.toUpperCase()}`);
      }
      this.#session = session;
      this.#key = key;
    } catch (error) {
      throw pkcs11Error(error, `opening ${describeWhich(options)}`);
    }
  }
}

function findSlot(library: graphene.Module, options: Pkcs11KeyOptions): graphene.Slot {
  const slots = library.getSlots(true);
  if (options.slot !== undefined) {
    if (options.slot < 0 || options.slot >= slots.length) throw new PkiError('TOKEN_ABSENT', `no token in slot ${options.slot} (${slots.length} slot(s) hold one)`);
    return slots.items(options.slot);
  }
  for (let index = 0; index < slots.length; index++) {
    const slot = slots.items(index);
    if (slot.getToken().label === options.tokenLabel) return slot;
  }
  throw new PkiError('TOKEN_ABSENT', `no token labelled "${options.tokenLabel}" (${slots.length} token(s) present)`);
}

function rsaMechanism(hash: SignatureAlgorithm['hash']): graphene.MechanismType {
  const byHash: Record<SignatureAlgorithm['hash'], string> = { sha1: 'SHA1_RSA_PKCS', sha256: 'SHA256_RSA_PKCS', sha384: 'SHA384_RSA_PKCS', sha512: 'SHA512_RSA_PKCS' };
  return byHash[hash];
}

function describeWhich(options: Pkcs11KeyOptions): string {
  const key = options.keyLabel !== undefined ? `"${options.keyLabel}"` : options.keyId !== undefined ? `id ${options.keyId}` : 'of the certificate';
  const token = options.tokenLabel !== undefined ? `token "${options.tokenLabel}"` : `slot ${options.slot}`;
  return `${key} of ${token}`;
}


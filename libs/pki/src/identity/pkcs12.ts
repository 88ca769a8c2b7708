import { createPrivateKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { bin, toDer } from '../asn1/build';
import { type ParsedCertificate, parseCertificate } from '../certificates/parse-certificate';
import { PkiError } from '../errors';

export interface Pkcs12Contents {
  readonly privateKey: KeyObject;
  readonly certificates: ParsedCertificate[];
}

/**
 * Opens a PKCS#12 file with node-forge. forge only turns RSA keys into its own objects; for EC keys
 * it hands back the decrypted PrivateKeyInfo, which node:crypto reads directly.
 */
export function readPkcs12(p12: Buffer, password: string): Pkcs12Contents {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(bin(p12));
    parsed = withUtf8Pbkdf2Password(password, () => forge.pkcs12.pkcs12FromAsn1(asn1, false, password));
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (/mac|password|decrypt/i.test(msg)) throw new PkiError('BAD_PKCS12', 'PKCS#12: wrong password or damaged file (integrity check failed)');
    throw new PkiError('BAD_PKCS12', `PKCS#12: cannot read the file (${msg.replace(/password[^,.;]*/gi, 'password')})`);
  }
  const keyBags = [
    ...(parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(parsed.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  if (keyBags.length === 0) throw new PkiError('BAD_PKCS12', 'PKCS#12: the file contains no private key');
  if (keyBags.length > 1) throw new PkiError('BAD_PKCS12', `PKCS#12: the file contains ${keyBags.length} private keys; expected one`);
  const bag = keyBags[0] as forge.pkcs12.Bag & { asn1?: forge.asn1.Asn1 };
  let pkcs8: Buffer;
  if (bag.key) pkcs8 = toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)));
  else if (bag.asn1) pkcs8 = toDer(bag.asn1);
  else throw new PkiError('BAD_PKCS12', 'PKCS#12: the private key bag is empty');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new PkiError('BAD_PKCS12', `PKCS#12: unsupported private key (${(e as Error).message})`);
  }
  const certBags = parsed.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  const certificates = certBags.map((b) => {
    const raw = (b as { cert?: forge.pki.Certificate; asn1?: forge.asn1.Asn1 }).cert
      ? toDer(forge.pki.certificateToAsn1((b as { cert: forge.pki.Certificate }).cert))
      : certBagDer(b);
    return parseCertificate(raw);
  });
  if (certificates.length === 0) throw new PkiError('BAD_PKCS12', 'PKCS#12: the file contains no certificate');
  return { privateKey, certificates };
}

// forge leaves certificates with non-RSA keys undecoded; the DER is inside the bag's value.
function certBagDer(bag: forge.pkcs12.Bag): Buffer {
  const asn1 = (bag as { asn1?: forge.asn1.Asn1 }).asn1;
  if (!asn1) throw new PkiError('BAD_PKCS12', 'PKCS#12: a certificate bag could not be read');
  return toDer(asn1);
}

/**
 * PKCS#12 derives the MAC key from the password as UTF-16 (which forge does right) but PBES2, the
 * OpenSSL 3 default for the key, from its UTF-8 bytes; forge passes the JS string as Latin-1, which
 * breaks any password with Vietnamese letters. During this synchronous parse, PBKDF2 gets UTF-8.
 */
function withUtf8Pbkdf2Password<T>(password: string, parse: () => T): T {
  if ([...password].every((ch) => ch.charCodeAt(0) < 0x80)) return parse();
  const pkcs5 = forge.pkcs5 as unknown as { pbkdf2: (p: string, ...rest: unknown[]) => unknown };
  const original = pkcs5.pbkdf2;
  pkcs5.pbkdf2 = (p: string, ...rest: unknown[]) => original(p === password ? forge.util.encodeUtf8(p) : p, ...rest);
  try {
    return parse();
  } finally {
    pkcs5.pbkdf2 = original;
  }
}

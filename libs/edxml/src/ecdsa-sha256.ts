import { createPrivateKey, createPublicKey, type KeyLike, KeyObject, sign, verify } from 'node:crypto';
import type { SignatureAlgorithm } from 'xml-crypto';

export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';

type Callback<T> = (error: Error | null, value?: T) => void;

/**
 * ECDSA with SHA-256 for xml-crypto, which has RSA only. XML Signature wants the value as r‖s
 * (RFC 4050/6931), not the DER sequence OpenSSL makes by default, hence ieee-p1363.
 */
export class EcdsaSha256 implements SignatureAlgorithm {
  getSignature = ((signedInfo: string | Buffer, privateKey: KeyLike, callback?: Callback<string>) => {
    const value = sign('sha256', Buffer.from(signedInfo), { key: privateKey instanceof KeyObject ? privateKey : createPrivateKey(privateKey), dsaEncoding: 'ieee-p1363' }).toString('base64');
    if (callback === undefined) return value;
    callback(null, value);
    return undefined;
  }) as SignatureAlgorithm['getSignature'];

  verifySignature = ((material: string, key: KeyLike, signatureValue: string, callback?: Callback<boolean>) => {
    const valid = verify('sha256', Buffer.from(material), { key: key instanceof KeyObject ? key : createPublicKey(key), dsaEncoding: 'ieee-p1363' }, Buffer.from(signatureValue, 'base64'));
    if (callback === undefined) return valid;
    callback(null, valid);
    return undefined;
  }) as SignatureAlgorithm['verifySignature'];

  getAlgorithmName = () => ECDSA_SHA256;
}

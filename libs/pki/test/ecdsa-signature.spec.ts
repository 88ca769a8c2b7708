import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { rawEcdsaToDer } from '../src/pkcs11/ecdsa-signature';

describe('an ECDSA signature from a token (r‖s) in DER', () => {
  it.each(['prime256v1', 'secp384r1', 'secp521r1'])('verifies with node:crypto on %s, whatever the leading bytes of r and s', (namedCurve) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    for (let i = 0; i < 50; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const der = rawEcdsaToDer(raw);
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'der' }, der)).toBe(true);
    }
  });

  it('refuses an odd length', () => {
    expect(() => rawEcdsaToDer(Buffer.alloc(63))).toThrow(/odd length/);
  });
});

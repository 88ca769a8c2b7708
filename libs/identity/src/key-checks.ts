import { createPublicKey, type KeyObject } from 'node:crypto';

export function assertEd25519(key: KeyObject, type: 'private' | 'public', what: string): void {
  if (key?.type !== type || key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`${what} needs an Ed25519 ${type} key, got ${key?.type ?? typeof key} ${key?.asymmetricKeyType ?? ''}`.trim());
  }
}

/** Two keys are one pair when the public halves are byte-identical. */
export function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  const der = (k: KeyObject) => (k.type === 'public' ? k : createPublicKey(k)).export({ format: 'der', type: 'spki' });
  return der(a).equals(der(b));
}

import type { KeyObject } from 'node:crypto';

export function assertEd25519(key: KeyObject, type: 'private' | 'public', what: string): void {
  if (key?.type !== type || key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`${what} needs an Ed25519 ${type} key, got ${key?.type ?? typeof key} ${key?.asymmetricKeyType ?? ''}`.trim());
  }
}

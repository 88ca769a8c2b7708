import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's SoftHSM2, a real PKCS#11 token in software. */
export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmToken {
  label: string;
  pin: string;
  soPin: string;
  /** Puts a PKCS#8 PEM private key on the token under `label` and `id` (hex). */
  importKey(privateKeyPem: string, label: string, id: string): void;
  /** Deletes the token and what is on it. */
  remove(): void;
}

/**
 * A fresh SoftHSM2 token with a label of its own, in the folder SOFTHSM2_CONF names: jest's
 * configuration points it at a test folder for the whole run, since the library reads the variable
 * from the process's real environment, once. Tokens of concurrent tests never meet.
 */
export function createSoftHsmToken(prefix = 'edoc-test', pin = '123456', soPin = '65432100'): SoftHsmToken {
  if (process.env.SOFTHSM2_CONF === undefined) throw new Error('SOFTHSM2_CONF is not set: run the test through jest (jest.config.js sets it)');
  const label = `${prefix}-${randomBytes(4).toString('hex')}`;
  const util = (args: string[]) => execFileSync('softhsm2-util', args, { stdio: 'pipe' });
  util(['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin]);
  return {
    label,
    pin,
    soPin,
    importKey(privateKeyPem, keyLabel, id) {
      const dir = mkdtempSync(join(tmpdir(), 'edoc-softhsm-key-'));
      const file = join(dir, 'key.pem');
      writeFileSync(file, privateKeyPem, { mode: 0o600 });
      try {
        util(['--import', file, '--token', label, '--label', keyLabel, '--id', id, '--pin', pin]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    remove() {
      try {
        util(['--delete-token', '--token', label]);
      } catch {
        // already gone
      }
    },
  };
}

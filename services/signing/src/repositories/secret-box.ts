import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import { env } from '@edoc/config';
import { EDOC_CONFIG } from '@edoc/runtime';

const VERSION = 'v1';

/**
 * Seals small secrets (second-factor seeds) with AES-256-GCM before they reach the database: a copy
 * of the database alone (a backup, a replica) does not let anyone compute a signer's codes. The key
 * is signing's own file (EDOC_SECOND_FACTOR_KEY_FILE, default <data>/secrets/signing/second-factor.key),
 * made on first use with mode 600.
 */
@Injectable()
export class SecretBox {
  private key: Buffer | undefined;
  private readonly file: string;

  constructor(@Inject(EDOC_CONFIG) config: EdocConfig) {
    this.file = env('EDOC_SECOND_FACTOR_KEY_FILE', join(config.dataDir, 'secrets', 'signing', 'second-factor.key'));
  }

  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.loadKey(), iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
  }

  /** Throws when the sealed text was made with another key or for another context (a row copied to another user). */
  open(sealed: string, context: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || iv === undefined || tag === undefined || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.loadKey(), Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  }

  private loadKey(): Buffer {
    if (this.key !== undefined) return this.key;
    if (!existsSync(this.file)) {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
      // 'wx': two instances starting together do not overwrite each other's key.
      try {
        writeFileSync(this.file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      chmodSync(this.file, 0o600);
    }
    const key = Buffer.from(readFileSync(this.file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${this.file} does not hold a 256-bit key (base64)`);
    this.key = key;
    return key;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../config/identity-settings';

/** At most this many hashes at once: each takes its memory cost, and floods must queue, not swell. */
const CONCURRENT_HASHES = 4;

/**
 * argon2id (RFC 9106) with the configured memory and passes, one lane. The result is a PHC string
 * carrying its own parameters and salt, so raising the cost later keeps old hashes verifiable
 * (and they are rehashed at the next sign-in).
 */
@Injectable()
export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Verified against when the username is unknown, so that such an answer takes as long as a wrong password. */
  private decoy: Promise<string> | undefined;

  constructor(@Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings) {}

  hash(password: string): Promise<string> {
    const { memoryKib, iterations } = this.settings.passwordHash;
    return this.limited(() => hash(password, { algorithm: Algorithm.Argon2id, memoryCost: memoryKib, timeCost: iterations, parallelism: 1 }));
  }

  async verify(phc: string | undefined, password: string): Promise<boolean> {
    if (phc === undefined) {
      this.decoy ??= this.hash('decoy password of no user');
      await this.limited(async () => verify(await (this.decoy as Promise<string>), password).catch(() => false));
      return false;
    }
    return this.limited(() => verify(phc, password).catch(() => false));
  }

  /** A hash made with other parameters than today's. */
  needsRehash(phc: string): boolean {
    const { memoryKib, iterations } = this.settings.passwordHash;
    return !phc.startsWith(`$argon2id$v=19$m=${memoryKib},t=${iterations},p=1$`);
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= CONCURRENT_HASHES) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

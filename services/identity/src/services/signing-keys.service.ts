import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import { Database } from '@edoc/db';
import { TokenIssuer } from '@edoc/identity';
import { EventOutbox } from '@edoc/runtime';
import { timestampFromDate } from '@edoc/contracts';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../config/identity-settings';
import { SigningKeysRepository, type StoredSigningKey } from '../repositories/signing-keys.repository';

/** A verifier may accept a token this long past its `exp` (the verifier's clock tolerance) and cache the JWKS a while. */
const PUBLISH_MARGIN_MS = 5 * 60_000;

/**
 * The Ed25519 keys that sign access tokens. The newest signs; after a rotation the previous one's
 * private half is erased and its public half stays in the JWKS until every token it signed has
 * expired (the longest access-token lifetime and a margin), so rotating never signs anyone out.
 */
@Injectable()
export class SigningKeysService {
  constructor(
    private readonly db: Database,
    private readonly keys: SigningKeysRepository,
    private readonly events: EventOutbox,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  /** At start: the first key, made once whatever the number of instances starting together. */
  async ensureCurrentKey(): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.keys.lockForChange(tx);
      if ((await this.keys.current(tx)) === undefined) await this.keys.insert(tx, newKey());
    });
  }

  /** An issuer with today's key (read at each use, so that every instance signs with the newest). */
  async issuer(): Promise<TokenIssuer> {
    const current = await this.keys.current(this.db);
    if (current === undefined) throw new Error('no key to sign tokens with yet');
    return new TokenIssuer({ kid: current.kid, privateKey: createPrivateKey(current.privateKeyPem) });
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: await this.keys.published(this.db) };
  }

  async rotate(rotatedBy: string): Promise<{ kid: string; previousKids: string[] }> {
    const next = newKey();
    const previousKids = await this.db.transaction(async (tx) => {
      await this.keys.lockForChange(tx);
      const retired = await this.keys.retireCurrent(tx, new Date(Date.now() + this.settings.accessTokenSeconds * 1000 + PUBLISH_MARGIN_MS));
      await this.keys.insert(tx, next);
      await this.events.emit(tx, 'signingKeyRotated', { kid: next.kid, previousKid: retired.join(','), rotatedBy, rotatedAt: timestampFromDate(new Date()) });
      return retired;
    });
    return { kid: next.kid, previousKids };
  }
}

function newKey(): StoredSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const kid = `${new Date().toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`;
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  return { kid, privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, publicJwk: { ...jwk, kid, alg: 'EdDSA', use: 'sig' } };
}

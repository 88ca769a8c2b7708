import { ConflictException, ForbiddenException, HttpException, HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import * as OTPAuth from 'otpauth';
import { Database } from '@edoc/db';
import { assertSameOrganisation, type Principal } from '@edoc/identity';
import { SecondFactorsRepository } from '../repositories/second-factors.repository';
import { SecretBox } from '../repositories/secret-box';

/** Wrong codes in a row that lock a signer out of remote signing. */
export const LOCK_AFTER = 5;
const PERIOD_SECONDS = 30;

export interface Enrolment {
  username: string;
  /** Base32, for typing into an authenticator; shown once. */
  secret: string;
  /** otpauth:// URI, for a QR code. */
  uri: string;
  confirmed: false;
}

type CheckResult = { ok: true } | { ok: false; failures: number; locked: boolean; reason: string };

const totpFor = (username: string, base32: string) =>
  new OTPAuth.TOTP({ issuer: 'edoc', label: username, algorithm: 'SHA1', digits: 6, period: PERIOD_SECONDS, secret: OTPAuth.Secret.fromBase32(base32) });

/**
 * The second factor of remote signing: TOTP (RFC 6238), enrolled per signer. A code is good once
 * (its time step must be later than the last accepted one), one step of clock drift either way is
 * allowed, and every wrong code is counted: the fifth in a row locks the signer until an
 * administrator of the unit resets the enrolment.
 */
@Injectable()
export class SecondFactorService {
  constructor(
    private readonly db: Database,
    private readonly factors: SecondFactorsRepository,
    private readonly box: SecretBox,
  ) {}

  async enrol(principal: Principal): Promise<Enrolment> {
    const existing = await this.factors.find(principal.username);
    if (existing?.locked) throw this.lockedError(principal.username);
    if (existing?.confirmed) throw new ConflictException(`${principal.username} already has a confirmed second factor; an administrator of ${existing.orgCode} resets it before a new enrolment`);
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    if (!(await this.factors.enrol(principal.username, principal.orgCode, this.box.seal(secret, this.context(principal.username))))) {
      throw new ConflictException(`${principal.username} was enrolled meanwhile; an administrator resets it before a new enrolment`);
    }
    return { username: principal.username, secret, uri: totpFor(principal.username, secret).toString(), confirmed: false };
  }

  /** The first good code confirms the enrolment: the signer's authenticator holds the secret. */
  async confirm(principal: Principal, code: unknown): Promise<{ username: string; confirmed: true }> {
    await this.check(principal.username, code, { requireConfirmed: false });
    return { username: principal.username, confirmed: true };
  }

  /** Whether the signer confirmed an enrolment (or is locked): then every approval needs a code. */
  async isRequiredFor(username: string): Promise<boolean> {
    const factor = await this.factors.find(username);
    return factor !== undefined && (factor.confirmed || factor.locked);
  }

  /** Throws unless `code` is the signer's current code: 403 for a wrong one (counted), 423 once locked. */
  async verify(username: string, code: unknown): Promise<void> {
    await this.check(username, code, { requireConfirmed: true });
  }

  async reset(principal: Principal, username: string): Promise<{ username: string; reset: true }> {
    const existing = await this.factors.find(username);
    if (existing === undefined) throw new NotFoundException(`${username} has no second factor enrolled`);
    assertSameOrganisation(principal, existing.orgCode, 'reset the second factor of a signer', { allowAdmin: principal.roles.includes('admin') });
    await this.factors.remove(username);
    return { username, reset: true };
  }

  private async check(username: string, code: unknown, options: { requireConfirmed: boolean }): Promise<void> {
    if (typeof code !== 'string' || !/^\d{6}$/.test(code)) {
      throw new ForbiddenException(`approving needs the 6-digit code of your authenticator app (TOTP) in "code"`);
    }
    const result = await this.db.transaction(async (tx): Promise<CheckResult> => {
      const factor = await this.factors.lock(tx, username);
      if (factor === undefined) throw new ConflictException(`${username} has no second factor: enrol one first (POST /second-factor/enrol, then confirm with a code)`);
      if (options.requireConfirmed && !factor.confirmed) throw new ConflictException(`${username} has not confirmed the second factor yet: POST /second-factor/confirm with a code first`);
      if (factor.locked) return { ok: false, failures: factor.failures, locked: true, reason: 'locked' };
      const totp = totpFor(username, this.box.open(factor.secretSealed, this.context(username)));
      const delta = totp.validate({ token: code, window: 1 });
      const step = Math.floor(Date.now() / 1000 / PERIOD_SECONDS) + (delta ?? 0);
      if (delta !== null && step > factor.lastStep) {
        await this.factors.accept(tx, username, step);
        return { ok: true };
      }
      const failures = await this.factors.refuse(tx, username, LOCK_AFTER);
      return { ok: false, failures, locked: failures >= LOCK_AFTER, reason: delta === null ? 'wrong code' : 'code already used' };
    });
    if (result.ok) return;
    if (result.locked) throw this.lockedError(username);
    throw new ForbiddenException(`${result.reason}: nothing was signed (${result.failures} of ${LOCK_AFTER} wrong codes in a row; the ${LOCK_AFTER}th locks remote signing)`);
  }

  private lockedError(username: string): HttpException {
    return new HttpException(`${username} is locked out of remote signing after ${LOCK_AFTER} wrong codes in a row; an administrator of the unit resets the second factor`, HttpStatus.LOCKED);
  }

  private context(username: string): string {
    return `totp:${username}`;
  }
}

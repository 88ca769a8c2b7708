import { HttpException, HttpStatus, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { printable, timestampFromDate } from '@edoc/contracts';
import { Database, type Tx } from '@edoc/db';
import { EventOutbox } from '@edoc/runtime';
import { IDENTITY_SETTINGS, type IdentitySettings } from '../config/identity-settings';
import { MAX_PASSWORD_LENGTH } from '../domain/password-rules';
import { afterFailure, decideAttempt } from '../domain/sign-in-throttle';
import { SignInFailuresRepository } from '../repositories/sign-in-failures.repository';
import { UsersRepository, type UserRecord } from '../repositories/users.repository';
import { PasswordHasher } from './password-hasher';
import { SessionService, type ClientInfo, type SessionTokens } from './session.service';

/** 429 with Retry-After: the username must wait (backoff) or is locked. */
export class SignInThrottledError extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}

/** One answer for every wrong combination, so that it never tells which usernames exist. */
const REFUSED = 'wrong username or password';

/**
 * Username and password. Failures per typed username are counted whether or not the user exists:
 * after a few each attempt must wait longer, after more the username is locked for a while, and
 * every failure and lock goes to the audit trail. The password itself is never stored, logged or
 * sent anywhere: it is compared with the argon2id hash and forgotten.
 */
@Injectable()
export class SignInService {
  private readonly logger = new Logger('SignIn');

  constructor(
    private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly failures: SignInFailuresRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly events: EventOutbox,
    @Inject(IDENTITY_SETTINGS) private readonly settings: IdentitySettings,
  ) {}

  async withPassword(rawUsername: unknown, password: unknown, client: ClientInfo): Promise<SessionTokens> {
    const username = typeof rawUsername === 'string' ? printable(rawUsername.trim().toLowerCase()).slice(0, 64) : '';
    if (username === '' || typeof password !== 'string' || password === '' || password.length > MAX_PASSWORD_LENGTH * 4) {
      throw new UnauthorizedException(REFUSED);
    }
    // The row lock serialises attempts on one username, so a burst cannot outrun the count.
    type Outcome = { throttled: { reason: 'locked' | 'backoff'; retryAfterMs: number } } | { refused: true } | { user: UserRecord };
    const outcome = await this.db.transaction(async (tx): Promise<Outcome> => {
      const now = new Date();
      const record = await this.failures.lock(tx, username);
      const decision = decideAttempt(record, now, this.settings.throttle);
      if (!decision.allowed) {
        await this.recordFailure(tx, username, decision.reason, record?.failures ?? 0, client);
        return { throttled: decision };
      }
      const user = await this.users.findByUsername(tx, username);
      const matches = await this.hasher.verify(user?.passwordHash, password);
      const refusal = user === undefined ? 'unknown_user' : !matches ? (user.passwordHash === undefined ? 'no_password' : 'wrong_password') : user.disabledAt !== undefined ? 'disabled' : undefined;
      if (refusal !== undefined) {
        const next = afterFailure(record, now, this.settings.throttle);
        await this.failures.save(tx, username, next.record);
        await this.recordFailure(tx, username, refusal, next.lockedNow ? this.settings.throttle.lockAfter : next.record.failures, client);
        if (next.lockedNow) {
          await this.events.emit(tx, 'accountLocked', {
            username,
            failures: this.settings.throttle.lockAfter,
            lockedUntil: timestampFromDate(next.record.lockedUntil as Date),
            lockedAt: timestampFromDate(now),
          });
          this.logger.warn(`sign-ins of "${username}" locked until ${(next.record.lockedUntil as Date).toISOString()} after ${this.settings.throttle.lockAfter} failures`);
        }
        return { refused: true };
      }
      await this.failures.clear(tx, username);
      if (this.hasher.needsRehash(user!.passwordHash!)) await this.users.setPasswordHash(tx, user!.userId, await this.hasher.hash(password), false);
      return { user: user as UserRecord };
    });
    if ('throttled' in outcome) {
      const seconds = Math.max(1, Math.ceil(outcome.throttled.retryAfterMs / 1000));
      throw new SignInThrottledError(
        outcome.throttled.reason === 'locked' ? `too many failed sign-ins: this username is locked; try again in ${seconds} s` : `too many failed sign-ins: wait ${seconds} s before trying again`,
        seconds,
      );
    }
    if ('refused' in outcome) throw new UnauthorizedException(REFUSED);
    return this.sessions.start(outcome.user, 'password', client);
  }

  private recordFailure(tx: Tx, username: string, reason: string, failures: number, client: ClientInfo): Promise<string> {
    return this.events.emit(tx, 'signInFailed', { username, reason, failures, clientAddress: client.address, failedAt: timestampFromDate(new Date()) });
  }
}

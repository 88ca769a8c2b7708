import { createHash, randomUUID } from 'node:crypto';
import { HttpException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { printable, timestampFromDate } from '@edoc/contracts';
import { Database, type Tx } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { EventOutbox } from '@edoc/runtime';
import type { OidcSettings } from '../config/oidc-settings';
import { draftFromClaims } from '../domain/oidc-claims';
import { oidcFailureOf } from '../domain/oidc-failure';
import type { UnitFacts, UserDraft } from '../domain/user-input';
import { ExternalIdentitiesRepository } from '../repositories/external-identities.repository';
import { OidcLoginsRepository } from '../repositories/oidc-logins.repository';
import { UsersRepository, type UserRecord } from '../repositories/users.repository';
import { OIDC_SETTINGS, OidcProviderClient, type VerifiedIdentity } from './oidc-provider-client';
import { SessionService, type ClientInfo, type SessionTokens } from './session.service';
import { UserEvents } from './user-events';

/** A sign-in that ends without a session: the status and the sentence the page shows. */
export class OidcSignInRefused extends HttpException {}

/** How long a browser may stay at the provider before the sign-in it started is forgotten. */
const PENDING_MS = 10 * 60 * 1000;

/**
 * Starting a sign-in needs no account, so the pending ones are capped: far above a district's
 * morning rush, low enough that nobody can fill the table.
 */
const MAX_PENDING = 10_000;

/**
 * Single sign-on: the browser goes to the district's OpenID provider and comes back with a code;
 * the provider's verified claims decide the user's unit and roles at every sign-in. The user is
 * found by the provider's (issuer, subject), made on first sign-in, and never matched to an
 * existing password account by its username alone (that would hand the account to whoever the
 * provider lets take that name).
 */
@Injectable()
export class OidcSignInService {
  private readonly logger = new Logger('SingleSignOn');

  constructor(
    private readonly db: Database,
    private readonly provider: OidcProviderClient,
    private readonly pending: OidcLoginsRepository,
    private readonly externals: ExternalIdentitiesRepository,
    private readonly users: UsersRepository,
    private readonly sessions: SessionService,
    private readonly userEvents: UserEvents,
    private readonly events: EventOutbox,
    private readonly directory: Directory,
    @Inject(OIDC_SETTINGS) private readonly configured: OidcSettings | null,
  ) {}

  /** What the sign-in page offers: the provider's button (with the district's label, if it gave one), or nothing. */
  pageOffer(): { singleSignOn?: { label?: string } } {
    if (this.configured === null) return {};
    return { singleSignOn: this.configured.label === undefined ? {} : { label: this.configured.label } };
  }

  /** The address the provider sends the browser back to. */
  get redirectUri(): string {
    return this.settings.redirectUri.href;
  }

  private requireEnabled(): void {
    if (this.configured === null) throw new NotFoundException('single sign-on is not set up here (EDOC_OIDC_ISSUER): sign in with your username and password');
  }

  private get settings(): OidcSettings {
    this.requireEnabled();
    return this.configured as OidcSettings;
  }

  /** Where to send the browser, and the state it must bring back in its cookie. */
  async begin(returnUrl: string | undefined): Promise<{ redirect: URL; state: string }> {
    this.requireEnabled();
    if ((await this.pending.pruneAndCount(this.db)) >= MAX_PENDING) {
      this.logger.warn(`${MAX_PENDING} single sign-ons pending: refusing new ones until some finish or expire`);
      throw new OidcSignInRefused('too many sign-ins are in progress just now; try again in a few minutes', 503);
    }
    const checks = await this.provider.newChecks();
    let redirect: URL;
    try {
      redirect = await this.provider.authorizationUrl(checks);
    } catch (error) {
      const failure = oidcFailureOf(error);
      this.logger.warn(`the identity provider: ${failure.message}`);
      throw new OidcSignInRefused(failure.message, failure.status);
    }
    await this.pending.insert(this.db, stateHash(checks.state), { nonce: checks.nonce, codeVerifier: checks.codeVerifier, ...(returnUrl === undefined ? {} : { returnUrl }) }, new Date(Date.now() + PENDING_MS));
    return { redirect, state: checks.state };
  }

  /** The provider's callback: a session for the user it names, or a refusal with its reason (audited). */
  async finish(callbackUrl: URL, browserState: string | undefined, client: ClientInfo): Promise<{ tokens: SessionTokens; returnUrl?: string }> {
    this.requireEnabled();
    const state = callbackUrl.searchParams.get('state') ?? '';
    const login = state !== '' && state === browserState ? await this.pending.take(this.db, stateHash(state)) : undefined;
    if (login === undefined) {
      await this.refuse('', { reason: 'oidc_unknown_state', status: 401, message: 'this sign-in did not start in this browser, was already used, or took more than 10 minutes; sign in again' }, client);
    }
    let identity: VerifiedIdentity;
    try {
      identity = await this.provider.verify(callbackUrl, { state, nonce: login!.nonce, codeVerifier: login!.codeVerifier });
    } catch (error) {
      return this.refuse('', oidcFailureOf(error), client);
    }
    const claimedName = typeof identity.claims[this.settings.claims.username] === 'string' ? (identity.claims[this.settings.claims.username] as string) : `sub:${identity.subject}`;
    const draft = draftFromClaims(identity.claims, this.settings, (code) => this.unitFacts(code));
    if (!draft.ok) return this.refuse(claimedName, { reason: 'oidc_unmapped', status: 403, message: draft.problems.join('; ') }, client);
    const outcome = await this.db.transaction((tx) => this.userFor(tx, identity, draft.value, client));
    if ('refusal' in outcome) return this.refuse(claimedName, { reason: outcome.reason, status: 403, message: outcome.refusal }, client);
    const tokens = await this.sessions.start(outcome.user, 'oidc', client);
    return { tokens, ...(login!.returnUrl === undefined ? {} : { returnUrl: login!.returnUrl }) };
  }

  /** The linked user brought up to date with the claims, or a new one; or why neither may sign in. */
  private async userFor(tx: Tx, identity: VerifiedIdentity, draft: UserDraft, client: ClientInfo): Promise<{ user: UserRecord } | { refusal: string; reason: string }> {
    const changedBy = printable(`sso:${identity.issuer}`);
    const linkedId = await this.externals.userIdOf(tx, identity.issuer, identity.subject);
    if (linkedId === undefined) {
      const userId = randomUUID();
      if (!(await this.users.insert(tx, { userId, ...draft }))) {
        return {
          reason: 'oidc_username_taken',
          refusal: `the username ${draft.username} already belongs to an edoc account that is not linked to your account at the identity provider; ask an administrator of edoc`,
        };
      }
      await this.externals.link(tx, identity.issuer, identity.subject, userId);
      const created = (await this.users.findById(tx, userId)) as UserRecord;
      await this.userEvents.changed(tx, created, 'created', changedBy);
      this.logger.log(`${draft.username} of ${draft.orgCode} signed in for the first time through the identity provider (client ${client.address})`);
      return { user: created };
    }
    const user = (await this.users.findById(tx, linkedId)) as UserRecord;
    if (user.disabledAt !== undefined) return { reason: 'disabled', refusal: `your edoc account ${user.username} is disabled; ask an administrator of your unit` };
    const profileChanged = user.displayName !== draft.displayName || user.orgCode !== draft.orgCode;
    const rolesChanged = !sameRoles(user, draft);
    if (!profileChanged && !rolesChanged) return { user };
    if (profileChanged) await this.users.setProfile(tx, user.userId, draft.displayName, draft.orgCode);
    if (rolesChanged) await this.users.setRoles(tx, user.userId, draft.roles, draft.signer);
    // Tokens carry the unit and roles: those of sessions begun before the change must not outlive it.
    if (rolesChanged || user.orgCode !== draft.orgCode) await this.sessions.revokeAllOfUser(tx, user, 'roles_changed');
    const changed = (await this.users.findById(tx, user.userId)) as UserRecord;
    await this.userEvents.changed(tx, changed, 'roles_changed', changedBy);
    return { user: changed };
  }

  private async refuse(username: string, failure: { reason: string; status: number; message: string }, client: ClientInfo): Promise<never> {
    await this.db.transaction((tx) =>
      this.events.emit(tx, 'signInFailed', { username: printable(username).slice(0, 64), reason: failure.reason, failures: 0, clientAddress: client.address, failedAt: timestampFromDate(new Date()) }),
    );
    this.logger.warn(`single sign-on refused${username === '' ? '' : ` for ${printable(username).slice(0, 64)}`}: ${failure.reason}`);
    throw new OidcSignInRefused(failure.message, failure.status);
  }

  private unitFacts(code: string): UnitFacts {
    const unit = this.directory.get(code);
    return unit === undefined ? { exists: false } : { exists: true, channel: unit.channel };
  }
}

function stateHash(state: string): Buffer {
  return createHash('sha256').update(state).digest();
}

function sameRoles(user: UserRecord, draft: UserDraft): boolean {
  const a = [...user.roles].sort().join(' ');
  const b = [...draft.roles].sort().join(' ');
  return a === b && (user.signer?.position ?? '') === (draft.signer?.position ?? '');
}

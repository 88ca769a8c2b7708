import { randomBytes, randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException, UnprocessableEntityException } from '@nestjs/common';
import { Database, type Queryable } from '@edoc/db';
import { Directory } from '@edoc/directory';
import type { Principal, UserView } from '@edoc/identity';
import { passwordProblems } from '../domain/password-rules';
import { checkNewUser, checkRoleChange, type UnitFacts } from '../domain/user-input';
import { managementRefusal, selfLockoutRefusal, visibleUnits } from '../domain/user-management-policy';
import { UsersRepository, type UserRecord } from '../repositories/users.repository';
import { PasswordHasher } from './password-hasher';
import { SessionService } from './session.service';
import { UserEvents } from './user-events';

/**
 * Administrators manage users: a district administrator every unit's, a unit administrator its own
 * unit's. Every change is announced (user.changed, to the audit trail and to intake), and the
 * changes that alter what a user may do end the user's sessions at once.
 */
@Injectable()
export class UserAdminService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly events: UserEvents,
    private readonly directory: Directory,
  ) {}

  async list(actor: Principal, orgCode?: string): Promise<UserView[]> {
    const visible = visibleUnits(actor);
    if (orgCode !== undefined && visible !== undefined && !visible.includes(orgCode)) throw new ForbiddenException(`a unit administrator of ${actor.orgCode} cannot list users of ${orgCode}`);
    return (await this.users.list(this.db, orgCode !== undefined ? [orgCode] : visible)).map(viewOf);
  }

  async get(actor: Principal, username: string): Promise<UserView> {
    const user = await this.require(this.db, username);
    this.assertMayManage(actor, user);
    return viewOf(user);
  }

  async add(actor: Principal, body: unknown): Promise<UserView> {
    const checked = checkNewUser(body, (code) => this.unitFacts(code));
    const password = (body as { password?: unknown } | null)?.password;
    if (!checked.ok) throw new UnprocessableEntityException(checked.problems);
    const draft = checked.value;
    const refusal = managementRefusal(actor, draft, draft.roles);
    if (refusal !== undefined) throw new ForbiddenException(refusal);
    const problems = password === undefined ? [] : passwordProblems(password, draft.username);
    if (problems.length > 0) throw new UnprocessableEntityException(problems);
    const passwordHash = typeof password === 'string' ? await this.hasher.hash(password) : undefined;
    return this.db.transaction(async (tx) => {
      if (!(await this.users.insert(tx, { userId: randomUUID(), ...draft, ...(passwordHash === undefined ? {} : { passwordHash }) }))) {
        throw new ConflictException(`the username ${draft.username} is taken`);
      }
      const user = await this.require(tx, draft.username);
      await this.events.changed(tx, user, 'created', actor.username);
      return viewOf(user);
    });
  }

  async setDisabled(actor: Principal, username: string, disabled: boolean): Promise<UserView> {
    return this.db.transaction(async (tx) => {
      const user = await this.require(tx, username, true);
      this.assertMayManage(actor, user);
      if (disabled) this.refuseIf(selfLockoutRefusal(actor, user, 'disable'));
      if ((user.disabledAt !== undefined) === disabled) return viewOf(user);
      await this.users.setDisabled(tx, user.userId, disabled);
      if (disabled) await this.sessions.revokeAllOfUser(tx, user, 'disabled');
      const changed = await this.require(tx, username);
      await this.events.changed(tx, changed, disabled ? 'disabled' : 'enabled', actor.username);
      return viewOf(changed);
    });
  }

  async setRoles(actor: Principal, username: string, body: unknown): Promise<UserView> {
    return this.db.transaction(async (tx) => {
      const user = await this.require(tx, username, true);
      const checked = checkRoleChange(body, this.unitFacts(user.orgCode));
      if (!checked.ok) throw new UnprocessableEntityException(checked.problems);
      this.refuseIf(managementRefusal(actor, user, checked.value.roles));
      this.refuseIf(selfLockoutRefusal(actor, user, 'set-role', checked.value.roles));
      await this.users.setRoles(tx, user.userId, checked.value.roles, checked.value.signer);
      // Tokens carry the roles: those issued before the change must not outlive it.
      await this.sessions.revokeAllOfUser(tx, user, 'roles_changed');
      const changed = await this.require(tx, username);
      await this.events.changed(tx, changed, 'roles_changed', actor.username);
      return viewOf(changed);
    });
  }

  /** A new password, given or generated (then returned once, to be handed to the user). */
  async resetPassword(actor: Principal, username: string, body: unknown): Promise<{ user: UserView; password?: string }> {
    const given = (body as { password?: unknown } | null)?.password;
    if (given !== undefined && typeof given !== 'string') throw new BadRequestException('password: text, or leave it out to have one generated');
    const generated = given === undefined ? randomBytes(12).toString('base64url') : undefined;
    const password = (given as string | undefined) ?? (generated as string);
    const problems = passwordProblems(password, username);
    if (problems.length > 0) throw new UnprocessableEntityException(problems);
    const hash = await this.hasher.hash(password);
    const user = await this.db.transaction(async (tx) => {
      const found = await this.require(tx, username, true);
      this.assertMayManage(actor, found);
      await this.users.setPasswordHash(tx, found.userId, hash, true);
      await this.sessions.revokeAllOfUser(tx, found, 'password_reset');
      const changed = await this.require(tx, username);
      await this.events.changed(tx, changed, 'password_reset', actor.username);
      return changed;
    });
    return { user: viewOf(user), ...(generated === undefined ? {} : { password: generated }) };
  }

  private unitFacts(code: string): UnitFacts {
    const unit = this.directory.get(code);
    return unit === undefined ? { exists: false } : { exists: true, channel: unit.channel };
  }

  private assertMayManage(actor: Principal, user: UserRecord): void {
    this.refuseIf(managementRefusal(actor, user));
  }

  private refuseIf(refusal: string | undefined): void {
    if (refusal !== undefined) throw new ForbiddenException(refusal);
  }

  private async require(q: Queryable, username: string, forUpdate = false): Promise<UserRecord> {
    const user = await this.users.findByUsername(q, username, { forUpdate });
    if (user === undefined) throw new NotFoundException(`no user ${username}`);
    return user;
  }
}

export function viewOf(user: UserRecord): UserView {
  return {
    userId: user.userId,
    username: user.username,
    displayName: user.displayName,
    orgCode: user.orgCode,
    roles: [...user.roles],
    ...(user.signer === undefined ? {} : { signer: { ...user.signer } }),
    disabled: user.disabledAt !== undefined,
    hasPassword: user.passwordHash !== undefined,
  };
}

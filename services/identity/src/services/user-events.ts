import { Injectable } from '@nestjs/common';
import { printable, timestampFromDate } from '@edoc/contracts';
import type { Tx } from '@edoc/db';
import { EventOutbox } from '@edoc/runtime';
import type { UserRecord } from '../repositories/users.repository';

export type UserChange = 'created' | 'imported' | 'disabled' | 'enabled' | 'roles_changed' | 'password_reset';

/** user.changed, with the whole user after the change (never its password hash). */
@Injectable()
export class UserEvents {
  constructor(private readonly events: EventOutbox) {}

  changed(tx: Tx, user: UserRecord, change: UserChange, changedBy: string): Promise<string> {
    return this.events.emit(tx, 'userChanged', {
      userId: user.userId,
      username: user.username,
      displayName: user.displayName,
      orgCode: user.orgCode,
      roles: [...user.roles],
      ...(user.signer === undefined ? {} : { signer: { competence: user.signer.competence ?? '', authority: user.signer.authority ?? '', position: user.signer.position } }),
      disabled: user.disabledAt !== undefined,
      version: BigInt(user.version),
      change,
      changedBy: printable(changedBy),
      changedAt: timestampFromDate(new Date()),
    });
  }
}

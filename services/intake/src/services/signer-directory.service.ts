import { Injectable } from '@nestjs/common';
import type { UserChanged } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Inbox } from '@edoc/messaging';
import { SignersRepository } from '../repositories/signers.repository';

/**
 * Intake learns its signers from the identity service's user.changed events: a user counts as a
 * signer of a unit while enabled and holding the signer role. Users who never signed are not kept.
 */
@Injectable()
export class SignerDirectory {
  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly signers: SignersRepository,
  ) {}

  async onUserChanged(event: UserChanged, messageId: string): Promise<void> {
    const isSigner = event.roles.includes('signer') && !event.disabled && event.signer !== undefined;
    await this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, messageId, 'intake.user-changed'))) return;
      const known = await this.signers.find(event.username, tx);
      if (!isSigner && known === undefined) return;
      const signer = event.signer;
      await this.signers.apply(tx, {
        username: event.username,
        userId: event.userId,
        orgCode: event.orgCode,
        fullName: event.displayName,
        competence: signer === undefined || signer.competence === '' ? '' : `${signer.competence} ${signer.authority}`.trim(),
        position: signer?.position ?? '',
        active: isSigner,
        version: event.version,
      });
    });
  }
}

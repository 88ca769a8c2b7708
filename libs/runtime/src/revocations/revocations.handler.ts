import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { SessionsRevokedSchema, type SessionsRevoked } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { EdocMessageContext, Inbox } from '@edoc/messaging';
import { RevocationStore } from './revocation-store';

/** Every service's own record of the identity service's revocations, from its `<service>.revocations` queue. */
@Controller()
export class RevocationsHandler {
  constructor(
    private readonly db: Database,
    private readonly inbox: Inbox,
    private readonly store: RevocationStore,
  ) {}

  @EventPattern(SessionsRevokedSchema.typeName)
  onRevoked(@Payload() notice: SessionsRevoked, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.db.transaction(async (tx) => {
      if (!(await this.inbox.claim(tx, ctx.messageId, 'runtime.sessions-revoked'))) return;
      await this.store.record(tx, notice);
    });
  }
}

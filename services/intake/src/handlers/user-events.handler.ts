import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { type UserChanged, UserChangedSchema } from '@edoc/contracts';
import { EdocMessageContext } from '@edoc/messaging';
import { SignerDirectory } from '../services/signer-directory.service';

@Controller()
export class UserEventsHandler {
  constructor(private readonly signers: SignerDirectory) {}

  /** A user created or changed by the identity service (queue intake.events). */
  @EventPattern(UserChangedSchema.typeName)
  changed(@Payload() event: UserChanged, @Ctx() ctx: EdocMessageContext): Promise<void> {
    return this.signers.onUserChanged(event, ctx.messageId);
  }
}

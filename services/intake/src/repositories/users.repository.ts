import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { EdocConfig } from '@edoc/config';
import { Directory } from '@edoc/directory';
import { loadUserSeed, SeedUser } from '@edoc/identity';
import { EDOC_CONFIG } from '@edoc/runtime';

/** A signer as printed under a document. */
export interface SignerRecord {
  username: string;
  fullName: string;
  /** Competence prefix with the authority it qualifies, e.g. "KT. CHỦ TỊCH"; empty for a head signing in their own right. */
  competence: string;
  position: string;
}

/** The users of the exchange, read once from the users file (EDOC_USERS_FILE). */
@Injectable()
export class UsersRepository {
  private readonly byUsername: Map<string, SeedUser>;

  constructor(@Inject(EDOC_CONFIG) config: EdocConfig, directory: Directory) {
    this.byUsername = new Map(loadUserSeed(config.usersFile, directory).map((user) => [user.username, user]));
  }

  isSignerOf(username: string, orgCode: string): boolean {
    const user = this.byUsername.get(username);
    return user !== undefined && user.orgCode === orgCode && user.roles.includes('signer');
  }

  require(username: string): SignerRecord {
    const user = this.byUsername.get(username);
    if (user === undefined) throw new NotFoundException(`no user ${username}`);
    const signer = user.signer;
    return {
      username: user.username,
      fullName: user.displayName,
      competence: signer?.competence === undefined ? '' : `${signer.competence} ${signer.authority ?? ''}`.trim(),
      position: signer?.position ?? '',
    };
  }
}

import { Injectable } from '@nestjs/common';
import { Directory } from '@edoc/directory';
import type { Principal } from '@edoc/identity';
import { SignersRepository } from '../repositories/signers.repository';

export interface DirectoryView {
  units: { code: string; name: string; kind: string; parentCode: string | null; channel: string }[];
  groups: { id: string; name: string; members: string[] }[];
  /** The signers of the caller's unit, for the signer of a submission. */
  signers: { username: string; fullName: string; position: string; competence: string }[];
}

/** The directory as a compose screen needs it: recipients to pick, and the unit's signers. */
@Injectable()
export class DirectoryViewService {
  constructor(
    private readonly directory: Directory,
    private readonly signers: SignersRepository,
  ) {}

  async forUnitOf(principal: Principal): Promise<DirectoryView> {
    const signers = await this.signers.activeOf(principal.orgCode);
    return {
      units: this.directory.list().map((org) => ({ code: org.code, name: org.name, kind: org.kind, parentCode: org.parentCode ?? null, channel: org.channel })),
      groups: this.directory.groups().map((group) => ({ id: group.id, name: group.name, members: [...group.members] })),
      signers: signers.map((signer) => ({ username: signer.username, fullName: signer.fullName, position: signer.position, competence: signer.competence })),
    };
  }
}

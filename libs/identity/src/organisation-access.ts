import { ForbiddenException } from '@nestjs/common';
import type { Principal } from './principal';

export interface SameOrganisationOptions {
  /** Lets an administrator act on any unit (e.g. reading for audit); off by default. */
  allowAdmin?: boolean;
}

/**
 * 403 unless the principal belongs to `orgCode`. `what` completes the sentence
 * "a clerk of X cannot <what> of Y", e.g. "register incoming documents".
 */
export function assertSameOrganisation(principal: Principal, orgCode: string, what: string, options: SameOrganisationOptions = {}): void {
  if (principal.orgCode === orgCode) return;
  if (options.allowAdmin === true && principal.roles.includes('admin')) return;
  const role = principal.roles.find((r) => r !== 'admin') ?? principal.roles[0] ?? 'user';
  throw new ForbiddenException(`${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role} of ${principal.orgCode} cannot ${what} of ${orgCode}`);
}

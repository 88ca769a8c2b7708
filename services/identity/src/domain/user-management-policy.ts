import type { Principal, Role } from '@edoc/identity';

/** The user an administrator wants to act on (as it is, or as it would be created). */
export interface ManagedUser {
  username: string;
  orgCode: string;
  roles: readonly Role[];
}

/**
 * Who may manage whom. A district administrator ("admin") manages every user of every unit; a
 * unit administrator ("unit-admin") only the users of its own unit, never a district
 * administrator, and cannot make anyone one. Nobody disables or demotes themselves (the last
 * administrator could lock the district out). Returns why not, or undefined.
 */
export function managementRefusal(actor: Principal, target: ManagedUser, grantedRoles: readonly Role[] = []): string | undefined {
  if (actor.roles.includes('admin')) return undefined;
  if (!actor.roles.includes('unit-admin')) return `${actor.username} is not an administrator`;
  if (target.orgCode !== actor.orgCode) return `a unit administrator of ${actor.orgCode} cannot manage users of ${target.orgCode}`;
  if (target.roles.includes('admin')) return `a unit administrator cannot manage the district administrator ${target.username}`;
  if (grantedRoles.includes('admin')) return 'a unit administrator cannot grant the admin role';
  return undefined;
}

/** The units whose users an administrator may list: all (undefined) or its own. */
export function visibleUnits(actor: Principal): string[] | undefined {
  return actor.roles.includes('admin') ? undefined : [actor.orgCode];
}

export function selfLockoutRefusal(actor: Principal, target: ManagedUser, action: 'disable' | 'set-role', newRoles: readonly Role[] = []): string | undefined {
  if (actor.username !== target.username) return undefined;
  if (action === 'disable') return 'you cannot disable your own account';
  const lost = actor.roles.filter((role) => (role === 'admin' || role === 'unit-admin') && !newRoles.includes(role));
  return lost.length > 0 ? `you cannot take the role ${lost.join(', ')} from yourself` : undefined;
}

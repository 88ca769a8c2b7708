import type { Role } from '@edoc/identity';
import type { ClaimNames } from '../config/oidc-settings';
import { checkNewUser, type Checked, type UnitFacts, type UserDraft } from './user-input';

export interface ClaimMapping {
  claims: ClaimNames;
  allowedRoles: readonly Role[];
}

/**
 * The edoc user that a provider's verified claims describe: the unit and roles come from the
 * provider at every sign-in, so that a move or a change made there holds here at the next
 * sign-in. Every refusal is a sentence the user can take to whoever runs the provider.
 */
export function draftFromClaims(claims: Record<string, unknown>, mapping: ClaimMapping, unit: (code: string) => UnitFacts): Checked<UserDraft> {
  const names = mapping.claims;
  const unitCode = text(claims[names.unit]);
  if (unitCode === undefined) {
    return refused(`your account at the identity provider names no unit (claim "${names.unit}"): ask its administrator to give it the code of your unit`);
  }
  const username = text(claims[names.username])?.toLowerCase();
  if (username === undefined) return refused(`your account at the identity provider has no username (claim "${names.username}")`);
  const claimed = roleList(claims[names.roles]);
  const roles = claimed.filter((role): role is Role => (mapping.allowedRoles as readonly string[]).includes(role));
  if (roles.length === 0) {
    const given = claimed.length === 0 ? 'none' : claimed.join(', ');
    return refused(`your account at the identity provider gives no edoc role that single sign-on accepts (claim "${names.roles}": ${given}; accepted: ${mapping.allowedRoles.join(', ')})`);
  }
  const position = text(claims[names.position]);
  const checked = checkNewUser(
    {
      username,
      displayName: text(claims[names.displayName]) ?? username,
      orgCode: unitCode,
      roles,
      ...(roles.includes('signer') && position !== undefined ? { signer: { position } } : {}),
    },
    unit,
  );
  if (checked.ok) return checked;
  // The field names of an administrator's form mean nothing here: name the claims instead.
  return {
    ok: false,
    problems: checked.problems.map((problem) =>
      problem
        .replace(/^username:/, `claim "${names.username}":`)
        .replace(/^displayName:/, `claim "${names.displayName}":`)
        .replace(/^orgCode:/, `claim "${names.unit}":`)
        .replace(/^signer\.position:/, `claim "${names.position}":`),
    ),
  };
}

function refused(problem: string): Checked<never> {
  return { ok: false, problems: [problem] };
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.normalize('NFC').trim();
  return trimmed === '' ? undefined : trimmed;
}

function roleList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((r) => r !== '');
  if (Array.isArray(value)) return value.filter((r): r is string => typeof r === 'string');
  return [];
}

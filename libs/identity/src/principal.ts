/**
 * clerk, signer and ward-system work in their unit; "admin" administers the district (every unit,
 * the dashboard, the audit trail); "unit-admin" manages the users of its own unit and nothing else.
 */
export const ROLES = ['clerk', 'signer', 'admin', 'unit-admin', 'ward-system'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is calling: carried in every access token and handed to handlers by @CurrentPrincipal(). */
export interface Principal {
  userId: string;
  username: string;
  /** The organisation the user belongs to (one, always). */
  orgCode: string;
  roles: Role[];
  displayName: string;
  /** The sign-in session the token belongs to; revoking it refuses the token everywhere. */
  sessionId?: string;
}

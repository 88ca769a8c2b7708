export const ROLES = ['clerk', 'signer', 'admin', 'ward-system'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who is calling: carried in every bearer token and handed to handlers by @CurrentPrincipal(). */
export interface Principal {
  userId: string;
  username: string;
  /** The organisation the user belongs to (one, always). */
  orgCode: string;
  roles: Role[];
  displayName: string;
}

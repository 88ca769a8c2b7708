import type { Principal } from '@edoc/identity';

/** What the access rules need of a signature request. */
export interface RequestParties {
  issuerCode: string;
  signerUsername: string;
}

/** Why a principal may not do something with a request: 404 hides another unit's requests, 403 explains. */
export type AccessRefusal = { status: 403 | 404; reason: string } | undefined;

/** Clerks, signers and administrators of the issuing unit read its requests; nobody else learns they exist. */
export function refuseReading(principal: Principal, request: RequestParties, documentId: string): AccessRefusal {
  if (principal.orgCode !== request.issuerCode) return { status: 404, reason: `no signature request ${documentId} in ${principal.orgCode}` };
  if (!principal.roles.some((role) => role === 'clerk' || role === 'signer' || role === 'admin')) {
    return { status: 403, reason: `${principal.username} is neither a clerk, a signer nor an administrator of ${request.issuerCode}` };
  }
  return undefined;
}

/**
 * Only the competent person named in the submission acts on it (Decree 30): signed in as that
 * person, with the signer role, in the issuing unit. A clerk, an administrator or another signer
 * of the same unit is refused with the reason; another unit's signer learns nothing.
 */
export function refuseActing(principal: Principal, request: RequestParties, documentId: string): AccessRefusal {
  const reading = refuseReading(principal, request, documentId);
  if (reading !== undefined) return reading;
  if (!principal.roles.includes('signer')) {
    return { status: 403, reason: `only the signer named in the request (${request.signerUsername}) approves or returns it; ${principal.username} has no signer role` };
  }
  if (principal.username !== request.signerUsername) {
    return { status: 403, reason: `the request names ${request.signerUsername} as its signer; ${principal.username} cannot approve or return it` };
  }
  return undefined;
}

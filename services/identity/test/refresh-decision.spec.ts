import { decideRefresh, type RefreshTokenState } from '../src/domain/refresh-decision';

const now = new Date('2026-12-03T08:00:00Z');
const later = new Date('2026-12-04T08:00:00Z');
const fresh: RefreshTokenState = { expiresAt: later, session: { expiresAt: later }, userDisabled: false };

describe('refresh token decision', () => {
  it('rotates a live, never-used token', () => {
    expect(decideRefresh(fresh, now)).toEqual({ kind: 'rotate' });
  });

  it('treats a second use as theft, even once the session is revoked or expired', () => {
    expect(decideRefresh({ ...fresh, rotatedAt: now }, now)).toEqual({ kind: 'reuse' });
    expect(decideRefresh({ ...fresh, rotatedAt: now, session: { expiresAt: now, revokedAt: now } }, later)).toEqual({ kind: 'reuse' });
  });

  it('refuses unknown, revoked, disabled and expired tokens with a reason', () => {
    expect(decideRefresh(undefined, now)).toEqual({ kind: 'refuse', reason: 'unknown refresh token' });
    expect(decideRefresh({ ...fresh, session: { expiresAt: later, revokedAt: now } }, now)).toMatchObject({ kind: 'refuse', reason: 'the session has ended' });
    expect(decideRefresh({ ...fresh, userDisabled: true }, now)).toMatchObject({ kind: 'refuse', reason: 'the user is disabled' });
    expect(decideRefresh({ ...fresh, expiresAt: now }, now)).toMatchObject({ kind: 'refuse', reason: 'the session has expired: sign in again' });
    expect(decideRefresh({ ...fresh, session: { expiresAt: now } }, now)).toMatchObject({ kind: 'refuse' });
  });
});

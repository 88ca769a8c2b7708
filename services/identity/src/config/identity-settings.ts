import { env, envBool, envInt, publicOrigins } from '@edoc/config';
import { MAX_ACCESS_TOKEN_SECONDS } from '@edoc/identity';
import type { ThrottlePolicy } from '../domain/sign-in-throttle';

export interface PasswordHashCost {
  /** KiB of memory per hash (EDOC_ARGON2_MEMORY_KIB, 19456: OWASP's argon2id minimum). */
  memoryKib: number;
  /** Passes (EDOC_ARGON2_ITERATIONS, 2). */
  iterations: number;
}

export interface IdentitySettings {
  /** Lifetime of an access token (EDOC_ACCESS_TOKEN_SECONDS, 600; at most 900). */
  accessTokenSeconds: number;
  /** A session, and so its refresh tokens, ends this long after sign-in (EDOC_SESSION_HOURS, 12: a working day). */
  sessionSeconds: number;
  passwordHash: PasswordHashCost;
  throttle: ThrottlePolicy;
  /** Origins of the edoc services a sign-in page may send the browser back to (EDOC_PUBLIC_ORIGINS, comma-separated). */
  publicOrigins: string[];
  /** Domain attribute of the session cookies, when the services have host names of one domain (EDOC_COOKIE_DOMAIN). */
  cookieDomain?: string;
  /** The Secure flag of the cookies (EDOC_COOKIE_SECURE, true; browsers accept it from http://localhost and 127.0.0.1). */
  cookieSecure: boolean;
}

export const IDENTITY_SETTINGS = Symbol('IDENTITY_SETTINGS');

export function loadIdentitySettings(): IdentitySettings {
  const accessTokenSeconds = envInt('EDOC_ACCESS_TOKEN_SECONDS', 600);
  if (accessTokenSeconds < 30 || accessTokenSeconds > MAX_ACCESS_TOKEN_SECONDS) {
    throw new Error(`EDOC_ACCESS_TOKEN_SECONDS must be between 30 and ${MAX_ACCESS_TOKEN_SECONDS}, got ${accessTokenSeconds}`);
  }
  const sessionHours = envInt('EDOC_SESSION_HOURS', 12);
  if (sessionHours < 1) throw new Error('EDOC_SESSION_HOURS must be at least 1');
  const memoryKib = envInt('EDOC_ARGON2_MEMORY_KIB', 19456);
  const iterations = envInt('EDOC_ARGON2_ITERATIONS', 2);
  if (memoryKib < 8192 || iterations < 1) throw new Error('EDOC_ARGON2_MEMORY_KIB must be at least 8192 and EDOC_ARGON2_ITERATIONS at least 1');
  const throttle: ThrottlePolicy = {
    backoffAfter: envInt('EDOC_SIGNIN_BACKOFF_AFTER', 3),
    backoffBaseMs: envInt('EDOC_SIGNIN_BACKOFF_MS', 1000),
    backoffMaxMs: envInt('EDOC_SIGNIN_BACKOFF_MAX_MS', 60_000),
    lockAfter: envInt('EDOC_SIGNIN_LOCK_AFTER', 10),
    lockMs: envInt('EDOC_SIGNIN_LOCK_SECONDS', 15 * 60) * 1000,
  };
  if (throttle.lockAfter <= throttle.backoffAfter) throw new Error('EDOC_SIGNIN_LOCK_AFTER must be greater than EDOC_SIGNIN_BACKOFF_AFTER');
  return {
    accessTokenSeconds,
    sessionSeconds: sessionHours * 3600,
    passwordHash: { memoryKib, iterations },
    throttle,
    publicOrigins: publicOrigins(),
    cookieDomain: env('EDOC_COOKIE_DOMAIN'),
    cookieSecure: envBool('EDOC_COOKIE_SECURE', true),
  };
}

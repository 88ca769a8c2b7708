import { isRole, type Principal } from './principal';

// Same shape as @edoc/directory's codes; checked here too so a token never carries a malformed unit.
const ORG_CODE = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;

/** Returns the problems of a would-be principal, empty when it is usable. */
export function principalProblems(p: Partial<Record<keyof Principal, unknown>>): string[] {
  const problems: string[] = [];
  const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  if (!text(p.userId)) problems.push('user id is missing');
  if (!text(p.username)) problems.push('username is missing');
  if (!text(p.displayName)) problems.push('display name is missing');
  if (typeof p.orgCode !== 'string' || !ORG_CODE.test(p.orgCode)) problems.push(`organisation code ${JSON.stringify(p.orgCode)} is not of the shape ddd.dd.dd.Ldd`);
  if (!Array.isArray(p.roles) || p.roles.length === 0) problems.push('roles are missing');
  else for (const role of p.roles) if (!isRole(role)) problems.push(`role ${JSON.stringify(role)} is unknown`);
  return problems;
}

export function assertValidPrincipal(p: Principal): void {
  const problems = principalProblems(p ?? {});
  if (problems.length > 0) throw new TypeError(`cannot issue a token: ${problems.join('; ')}`);
}

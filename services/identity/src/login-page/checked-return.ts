import { ForbiddenException } from '@nestjs/common';
import { allowedReturnUrl } from '../domain/return-url';

/** The page a sign-in goes back to, if one was given; 403 when it is not a page of this exchange. */
export function checkedReturnUrl(raw: unknown, publicOrigins: readonly string[]): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const url = allowedReturnUrl(raw, publicOrigins);
  if (url === undefined) throw new ForbiddenException('the return address is not a page of this exchange (EDOC_PUBLIC_ORIGINS lists the allowed origins)');
  return url;
}

import { SetMetadata } from '@nestjs/common';
import type { Role } from '../principal';

export const IS_PUBLIC_KEY = 'edoc:identity:public';
export const ROLES_KEY = 'edoc:identity:roles';

/** Exempts a route from authentication. Meant for health and metrics probes only. */
export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);

/** The principal must hold at least one of these roles (403 otherwise). On a controller or a handler; the handler wins. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

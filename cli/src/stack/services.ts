import { resolve } from 'node:path';

/** The six services with their default ports; `edoc up` starts them in this order (identity first: the others check tokens with its keys). */
export const SERVICES = [
  { name: 'identity', port: 3005 },
  { name: 'intake', port: 3000 },
  { name: 'signing', port: 3001 },
  { name: 'routing', port: 3002 },
  { name: 'archival', port: 3003 },
  { name: 'metrics', port: 3004 },
] as const;

export type ServiceName = (typeof SERVICES)[number]['name'];

export const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');

export function serviceEntry(name: ServiceName): string {
  return resolve(PROJECT_ROOT, 'services', name, 'dist', 'main.js');
}

import { resolve } from 'node:path';
import { DEFAULT_SERVICE_PORTS } from '@edoc/runtime';

/** The seven services with their default ports; `edoc up` starts them in this order (identity first: the others check tokens with its keys). */
export const SERVICES = [
  { name: 'identity', port: DEFAULT_SERVICE_PORTS.identity },
  { name: 'intake', port: DEFAULT_SERVICE_PORTS.intake },
  { name: 'signing', port: DEFAULT_SERVICE_PORTS.signing },
  { name: 'routing', port: DEFAULT_SERVICE_PORTS.routing },
  { name: 'archival', port: DEFAULT_SERVICE_PORTS.archival },
  { name: 'metrics', port: DEFAULT_SERVICE_PORTS.metrics },
  { name: 'gateway', port: DEFAULT_SERVICE_PORTS.gateway },
] as const;

export type ServiceName = (typeof SERVICES)[number]['name'];

export const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');

export function serviceEntry(name: ServiceName): string {
  return resolve(PROJECT_ROOT, 'services', name, 'dist', 'main.js');
}

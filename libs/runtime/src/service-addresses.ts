import { env } from '@edoc/config';
import type { EdocService } from './message-contract';

/** The port each service listens on by default, and where the others look for it. */
export const DEFAULT_SERVICE_PORTS: Record<EdocService, number> = {
  intake: 3000,
  signing: 3001,
  routing: 3002,
  archival: 3003,
  metrics: 3004,
  identity: 3005,
  gateway: 3006,
};

/**
 * Intake reaches signing (EDOC_SIGNING_URL), routing (EDOC_ROUTING_URL), archival (EDOC_ARCHIVAL_URL), metrics (EDOC_METRICS_URL), the axis gateway (EDOC_GATEWAY_URL) for the dead-letter screen; default 127.0.0.1 and the service's port.
 * Spelled out so that the configuration reference finds each name.
 */
const URL_VARIABLES: Record<EdocService, string> = {
  intake: 'EDOC_INTAKE_URL',
  signing: 'EDOC_SIGNING_URL',
  routing: 'EDOC_ROUTING_URL',
  archival: 'EDOC_ARCHIVAL_URL',
  metrics: 'EDOC_METRICS_URL',
  identity: 'EDOC_IDENTITY_URL',
  gateway: 'EDOC_GATEWAY_URL',
};

/** Where one service reaches another's HTTP API: EDOC_<SERVICE>_URL, else its default port on loopback. */
export function serviceUrl(service: EdocService): string {
  const configured = env(URL_VARIABLES[service]);
  return (configured ?? `http://127.0.0.1:${DEFAULT_SERVICE_PORTS[service]}`).replace(/\/+$/, '');
}

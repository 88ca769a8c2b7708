import { env } from './env';

/**
 * "production": every service refuses to start on demo keys and default passwords, and says what
 * to set. "development" (the default): the demo district and the tests, which run on exactly those.
 */
export type DeploymentMode = 'production' | 'development';

export function deploymentMode(): DeploymentMode {
  const raw = env('EDOC_MODE', 'development');
  if (raw === 'production' || raw === 'development') return raw;
  throw new Error(`EDOC_MODE must be production or development, got "${raw}"`);
}

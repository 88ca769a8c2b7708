import { deploymentMode, type EdocConfig } from '@edoc/config';
import { demoSecretProblems } from './default-secrets';
import { readSecretFacts } from './secret-facts';

export class DemoSecretsError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`${service} refuses to start in production mode (EDOC_MODE=production):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'DemoSecretsError';
  }
}

/** In production mode, throws with every demo key and default password `service` would use, and what to set instead. */
export function refuseDemoSecrets(config: EdocConfig, service: string, env: NodeJS.ProcessEnv = process.env): void {
  if (deploymentMode() !== 'production') return;
  const problems = demoSecretProblems(readSecretFacts(config, service, env));
  if (problems.length > 0) throw new DemoSecretsError(service, problems);
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What the deployment files are checked against: facts read from the code itself. */
export const ROOT = join(__dirname, '..', '..');

export const SERVICE_NAMES = ['intake', 'signing', 'routing', 'archival', 'metrics', 'identity', 'gateway'] as const;

/** The text of every TypeScript source file under the given top folders (no tests, no build output). */
function sourceTexts(tops: readonly string[]): string[] {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node_modules' || name === 'dist' || name === 'test') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) texts.push(readFileSync(path, 'utf8'));
    }
  };
  for (const top of tops) walk(join(ROOT, top));
  return texts;
}

/** Every EDOC_* name the services, libraries and CLI read. */
export function variablesTheCodeReads(): Set<string> {
  return new Set(sourceTexts(['libs', 'services', 'cli']).flatMap((text) => [...text.matchAll(/EDOC_[A-Z0-9_]+/g)].map((match) => match[0])));
}

/** The port a service listens on by default, from its module's RuntimeModule.forService({ defaultPort }). */
export function defaultPortOf(service: string): number {
  const dir = join(ROOT, 'services', service, 'src');
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.module.ts'))) {
    const match = /defaultPort:\s*(\d+)/.exec(readFileSync(join(dir, name), 'utf8'));
    if (match !== null) return Number(match[1]);
  }
  throw new Error(`no defaultPort in services/${service}/src/*.module.ts`);
}

/** Every Prometheus metric name (edoc_*) the services and libraries register, as written in the code. */
export function metricsTheCodeExports(): Set<string> {
  const pattern = /name: ['`](edoc_[a-z0-9_]+)['`]|gauge\(['`](edoc_[a-z0-9_]+)['`]/g;
  return new Set(sourceTexts(['libs', 'services']).flatMap((text) => [...text.matchAll(pattern)].map((match) => (match[1] ?? match[2])!)));
}

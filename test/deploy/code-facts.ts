import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What the deployment files are checked against: facts read from the code itself. */
export const ROOT = join(__dirname, '..', '..');

export const SERVICE_NAMES = ['intake', 'signing', 'routing', 'archival', 'metrics', 'identity', 'gateway'] as const;

/** Every EDOC_* name the services, libraries and CLI read. */
export function variablesTheCodeReads(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node_modules' || name === 'dist' || name === 'test') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) for (const match of readFileSync(path, 'utf8').matchAll(/EDOC_[A-Z0-9_]+/g)) names.add(match[0]);
    }
  };
  for (const top of ['libs', 'services', 'cli']) walk(join(ROOT, top));
  return names;
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
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node_modules' || name === 'dist' || name === 'test') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) for (const match of readFileSync(path, 'utf8').matchAll(/name: ['`](edoc_[a-z0-9_]+)['`]|gauge\(['`](edoc_[a-z0-9_]+)['`]/g)) names.add((match[1] ?? match[2])!);
    }
  };
  for (const top of ['libs', 'services']) walk(join(ROOT, top));
  return names;
}

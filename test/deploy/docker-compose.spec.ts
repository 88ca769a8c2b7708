import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { defaultPortOf, SERVICE_NAMES, variablesTheCodeReads } from './code-facts';

/**
 * There is no Docker engine where the suite runs, so docker-compose.yml and the Dockerfile are
 * checked against the code they start: a renamed variable, port or command would otherwise only
 * show when somebody runs `docker compose up`.
 */
const ROOT = join(__dirname, '..', '..');
/** Each service and the port it listens on by default, as its module says. */
const SERVICES: Record<string, number> = Object.fromEntries(SERVICE_NAMES.map((name) => [name, defaultPortOf(name)]));

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[] | string;
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

const compose = load(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

describe('docker-compose.yml and the Dockerfile', () => {
  it('runs each of the seven services from the image, on its own port, after provisioning', () => {
    for (const [name, port] of Object.entries(SERVICES)) {
      const service = compose.services[name];
      expect([name, service?.environment?.EDOC_SERVICE, service?.environment?.EDOC_PORT]).toEqual([name, name, String(port)]);
      expect(service.build).toBe('.');
      expect(service.depends_on?.provision).toEqual({ condition: 'service_completed_successfully' });
      for (const mapping of service.ports ?? []) expect(mapping).toBe(`${port}:${port}`);
      // The image starts services/<EDOC_SERVICE>/dist/main.js: the build must put a main.ts there.
      expect(existsSync(join(ROOT, 'services', name, 'src', 'main.ts'))).toBe(true);
    }
    expect(dockerfile).toMatch(/services\/\$\{EDOC_SERVICE:\?set EDOC_SERVICE\}\/dist\/main\.js/);
  });

  it('passes only variables the code reads, pointing at the containers it starts with their credentials', () => {
    const known = variablesTheCodeReads();
    for (const [name, service] of Object.entries(compose.services)) {
      for (const variable of Object.keys(service.environment ?? {}).filter((v) => v.startsWith('EDOC_'))) {
        expect(`${name}: ${variable} ${known.has(variable) ? 'is read' : 'is read by nothing'}`).toBe(`${name}: ${variable} is read`);
      }
    }
    const env = compose.services.intake.environment!;
    const postgres = compose.services.postgres.environment!;
    const rabbit = compose.services.rabbitmq.environment!;
    const minio = compose.services.minio.environment!;
    expect(env.EDOC_DATABASE_URL).toBe(`postgres://${postgres.POSTGRES_USER}:${postgres.POSTGRES_PASSWORD}@postgres:5432/${postgres.POSTGRES_DB}`);
    // Only provisioning holds the broker administrator's account; each service connects as its own user.
    const provision = compose.services.provision.environment!;
    expect(provision.EDOC_AMQP_URL).toBe(`amqp://${rabbit.RABBITMQ_DEFAULT_USER}:${rabbit.RABBITMQ_DEFAULT_PASS}@rabbitmq:5672`);
    expect(provision.EDOC_RABBITMQ_MANAGEMENT_URL).toBe(`http://${rabbit.RABBITMQ_DEFAULT_USER}:${rabbit.RABBITMQ_DEFAULT_PASS}@rabbitmq:15672`);
    for (const name of Object.keys(SERVICES)) {
      const own = compose.services[name].environment!;
      expect([name, own.EDOC_AMQP_URL, own.EDOC_RABBITMQ_MANAGEMENT_URL]).toEqual([name, 'amqp://rabbitmq:5672', undefined]);
    }
    // They find their broker passwords where provisioning writes them, in their own secrets folder.
    expect(readFileSync(join(ROOT, 'libs', 'runtime', 'src', 'broker-credentials.ts'), 'utf8')).toMatch(/join\(secretsDirOf\(config, owner, env\), 'broker\.json'\)/);
    expect(readFileSync(join(ROOT, 'libs', 'runtime', 'src', 'service-secrets.ts'), 'utf8')).toMatch(/join\(config\.dataDir, 'secrets', owner\)/);
    expect([env.EDOC_S3_ENDPOINT, env.EDOC_S3_ACCESS_KEY, env.EDOC_S3_SECRET_KEY]).toEqual(['http://minio:9000', minio.MINIO_ROOT_USER, minio.MINIO_ROOT_PASSWORD]);
    // Ward users are made through the management API: the broker image must include it.
    expect(compose.services.rabbitmq.image).toMatch(/-management$/);
  });

  it('provisions with a command the CLI has, waiting for healthy dependencies', () => {
    const provision = compose.services.provision;
    expect(provision.command).toEqual(['node', 'bin/edoc.js', 'provision', '--demo']);
    expect(readFileSync(join(ROOT, 'cli', 'src', 'commands', 'provision.ts'), 'utf8')).toMatch(/\.option\('--demo'/);
    expect(readFileSync(join(ROOT, 'cli', 'src', 'commands', 'provision.ts'), 'utf8')).toMatch(/new Command\('provision'\)/);
    expect(provision.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, rabbitmq: { condition: 'service_healthy' } });
    // Provisioning writes the certificates and each service's secrets where that service reads them.
    expect(compose.services.intake.environment?.EDOC_DATA_DIR).toBe('/var/lib/edoc');
    expect(compose.services.provision.volumes).toContain('edoc-data:/var/lib/edoc');
    for (const name of Object.keys(SERVICES)) {
      expect(compose.services.provision.volumes).toContain(`edoc-secrets-${name}:/var/lib/edoc/secrets/${name}`);
      expect(compose.services.provision.volumes).toContain('edoc-pki:/var/lib/edoc/pki');
    }
  });

  it("mounts in each service the certificates read-only and its own secrets, never another's, nor the CA's keys", () => {
    for (const name of Object.keys(SERVICES)) {
      expect([name, [...(compose.services[name].volumes ?? [])].sort()]).toEqual([name, ['edoc-pki:/var/lib/edoc/pki:ro', `edoc-secrets-${name}:/var/lib/edoc/secrets/${name}`]]);
    }
    // The volumes' mount points exist in the image, owned by the user the services run as.
    for (const name of Object.keys(SERVICES)) expect(dockerfile).toContain(`/var/lib/edoc/secrets/${name}`);
    expect(dockerfile).toMatch(/chown -R node:node \/var\/lib\/edoc/);
    expect(dockerfile).toMatch(/^USER node$/m);
  });

  it('copies into the image everything the build needs', () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].split(/\s+/));
    for (const source of copied) expect(`${source} ${existsSync(join(ROOT, source)) ? 'exists' : 'is missing'}`).toBe(`${source} exists`);
    const workspaces = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
    for (const workspace of workspaces) expect(copied).toContain(workspace.split('/')[0]);
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'scripts', 'proto', 'deploy']));
  });
});

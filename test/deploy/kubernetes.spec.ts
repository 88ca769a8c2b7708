import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadAll, load } from 'js-yaml';
import { consumedQueues, DEFAULT_SERVICE_PORTS, EDOC_SERVICES } from '@edoc/runtime';
import { defaultPortOf, ROOT, SERVICE_NAMES, variablesTheCodeReads } from './code-facts';

/**
 * deploy/k8s is checked two ways without a cluster: every resource against the Kubernetes schemas
 * (kubernetes-models validates with the API's own OpenAPI definitions), and against the code it
 * runs, as docker-compose.yml is: ports, variables, probes, and which secrets each service reads.
 */
const K8S = join(ROOT, 'deploy', 'k8s');

interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

interface Kustomization {
  resources?: string[];
  namespace?: string;
  secretGenerator?: { name: string; literals?: string[] }[];
  patches?: { target: { kind: string; name: string }; patch: string }[];
}

function kustomization(dir: string): Kustomization {
  return load(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
}

/** The resources a kustomization lists, files and other kustomizations alike (as `kustomize build` reads them, without its transformations). */
function resourcesOf(dir: string): Resource[] {
  return (kustomization(dir).resources ?? []).flatMap((entry) => {
    const path = join(dir, entry);
    if (existsSync(join(path, 'kustomization.yaml'))) return resourcesOf(path);
    return (loadAll(readFileSync(path, 'utf8')) as (Resource | null)[]).filter((doc): doc is Resource => doc !== null);
  });
}

/** The kubernetes-models class of a resource, from its apiVersion and kind. */
function modelOf(resource: Resource): { validate(): void } {
  const group = resource.apiVersion.includes('/') ? resource.apiVersion : `v1`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(`kubernetes-models/${group}/${resource.kind}`) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = module[resource.kind];
  if (Model === undefined) throw new Error(`no model for ${resource.apiVersion} ${resource.kind}`);
  return new Model(resource);
}

const base = resourcesOf(join(K8S, 'base'));
const demo = resourcesOf(join(K8S, 'overlays', 'demo'));
const find = <T>(kind: string, name: string): T => {
  const found = base.find((r) => r.kind === kind && r.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} in deploy/k8s/base`);
  return found as unknown as T;
};

interface Container {
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string }; persistentVolumeClaim?: { claimName: string; readOnly?: boolean }; emptyDir?: object }[];
}
interface Deployment {
  spec: { replicas: number; template: { spec: PodSpec } };
}
interface NetworkPolicy {
  spec: { ingress?: { from?: { podSelector?: { matchLabels: Record<string, string> } }[] }[]; egress?: { to?: { podSelector?: { matchLabels: Record<string, string> } }[]; ports?: { port: number }[] }[] };
}

describe('the Kubernetes manifests (deploy/k8s)', () => {
  it('are valid Kubernetes resources, base and demo overlay alike', () => {
    const problems: string[] = [];
    for (const resource of [...base, ...demo]) {
      try {
        modelOf(resource).validate();
      } catch (error) {
        problems.push(`${resource.kind} ${resource.metadata.name}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
    expect(base.length).toBeGreaterThan(20);
  });

  it('run each service from the image on the port its code listens on, probed on the health routes the code serves', () => {
    const health = readFileSync(join(ROOT, 'libs', 'runtime', 'src', 'health.controller.ts'), 'utf8');
    expect(health).toMatch(/@Controller\('health'\)[\s\S]*@Get\('live'\)[\s\S]*@Get\('ready'\)/);
    for (const name of SERVICE_NAMES) {
      const port = defaultPortOf(name);
      const deployment = find<Deployment>('Deployment', name);
      const container = deployment.spec.template.spec.containers[0]!;
      const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
      expect([name, env.EDOC_SERVICE, env.EDOC_PORT, container.ports?.[0]?.containerPort]).toEqual([name, name, String(port), port]);
      expect([name, container.livenessProbe?.httpGet.path, container.readinessProbe?.httpGet.path]).toEqual([name, '/health/live', '/health/ready']);
      expect(find<{ spec: { ports: { port: number }[] } }>('Service', name).spec.ports[0]?.port).toBe(port);
      // Two at least, and a budget that keeps one through a node's drain.
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(find<{ spec: { minAvailable: number } }>('PodDisruptionBudget', name).spec.minAvailable).toBe(1);
      expect([name, container.resources?.requests?.cpu !== undefined, container.resources?.limits?.memory !== undefined]).toEqual([name, true, true]);
    }
  });

  it('run as the image\'s non-root user on a read-only root filesystem, writing only where the code writes', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^USER node$/m);
    const config = find<{ data: Record<string, string> }>('ConfigMap', 'edoc-config').data;
    for (const name of SERVICE_NAMES) {
      const pod = find<Deployment>('Deployment', name).spec.template.spec;
      const container = pod.containers[0]!;
      // node:20's "node" user is uid 1000.
      expect([name, pod.securityContext?.runAsNonRoot, pod.securityContext?.runAsUser]).toEqual([name, true, 1000]);
      expect([name, container.securityContext?.readOnlyRootFilesystem, container.securityContext?.allowPrivilegeEscalation, container.securityContext?.capabilities?.drop]).toEqual([name, true, false, ['ALL']]);
      const writable = (container.volumeMounts ?? []).filter((m) => pod.volumes?.find((v) => v.name === m.name)?.emptyDir !== undefined).map((m) => m.mountPath);
      // The data folder (scratch files, upload staging) and the system's temporary folder.
      expect([name, writable.sort()]).toEqual([name, [config.EDOC_DATA_DIR, '/tmp'].sort()]);
    }
  });

  it('give each service its own Secret and key files only, where the code reads them, never another service\'s', () => {
    // The key files each service reads (keyHoldersOf), by their base; the gateway reads one per organisation, keys/orgs/<code>.key.pem.
    const holders: Record<string, string[]> = { signing: ['tsa'], archival: ['archive', 'tsa'], gateway: ['orgs/<code>'] };
    const secretsSource = readFileSync(join(ROOT, 'libs', 'runtime', 'src', 'service-secrets.ts'), 'utf8');
    expect(secretsSource).toMatch(/join\(config\.dataDir, 'secrets', owner\)/);
    expect(secretsSource).toMatch(/join\(secretsDir, 'keys', `\$\{base\}\.key\.pem`\)/);
    for (const name of SERVICE_NAMES) {
      const pod = find<Deployment>('Deployment', name).spec.template.spec;
      const container = pod.containers[0]!;
      const secretRefs = (container.envFrom ?? []).flatMap((e) => (e.secretRef === undefined ? [] : [e.secretRef.name]));
      const secretVolumes = (pod.volumes ?? []).flatMap((v) => (v.secret === undefined ? [] : [v.secret.secretName]));
      expect([name, secretRefs, secretVolumes]).toEqual([name, [`edoc-${name}`], holders[name] === undefined ? [] : [`edoc-${name}-keys`]]);
      if (holders[name] !== undefined) {
        const mount = container.volumeMounts?.find((m) => m.name === pod.volumes?.find((v) => v.secret !== undefined)?.name);
        // A Secret's keys are file names, without folders: it is mounted on the one folder of keys/ its files are read from.
        const folders = new Set(holders[name]!.map((base) => dirname(base)));
        expect([name, folders.size]).toEqual([name, 1]);
        const folder = [...folders][0] === '.' ? '' : `/${[...folders][0]!}`;
        expect([name, mount?.mountPath, mount?.readOnly]).toEqual([name, `${find<{ data: Record<string, string> }>('ConfigMap', 'edoc-config').data.EDOC_DATA_DIR}/secrets/${name}/keys${folder}`, true]);
        // Only the keys the service reads, by the names the code reads them under.
        expect(readFileSync(join(K8S, 'base', `${name}.yaml`), 'utf8')).toContain(`(files: ${holders[name]!.map((base) => `${basename(base)}.key.pem`).join(', ')})`);
      }
      // The certificates, read-only, from the volume provisioning writes.
      const pki = container.volumeMounts?.find((m) => m.mountPath.endsWith('/pki'));
      expect([name, pki?.readOnly]).toEqual([name, true]);
    }
    const keyHolders = readFileSync(join(ROOT, 'libs', 'runtime', 'src', 'service-secrets.ts'), 'utf8');
    expect(keyHolders).toMatch(/if \(base === 'tsa'\) return \['signing', 'archival'\];/);
    expect(keyHolders).toMatch(/if \(base === 'archive'\) return \['archival'\];/);
    expect(keyHolders).toMatch(/if \(base\.startsWith\('orgs\/'\)\) return \['signing', 'gateway'\];/);
  });

  it('pass only variables the code reads, and the demo overlay fills exactly the Secrets the base refers to', () => {
    const known = variablesTheCodeReads();
    const perService = (name: string) => /^EDOC_BROKER_PASSWORD_([A-Z]+)$/.exec(name)?.[1]?.toLowerCase();
    const readByCode = (name: string) => known.has(name) || (SERVICE_NAMES as readonly string[]).includes(perService(name) ?? '');
    // The per-service password variables of provisioning are read under a computed name.
    expect(readFileSync(join(ROOT, 'cli', 'src', 'provision', 'broker.ts'), 'utf8')).toContain('process.env[`EDOC_BROKER_PASSWORD_${owner.toUpperCase()}`]');
    const config = find<{ data: Record<string, string> }>('ConfigMap', 'edoc-config').data;
    const overlay = kustomization(join(K8S, 'overlays', 'demo'));
    const literals = (overlay.secretGenerator ?? []).flatMap((secret) => (secret.literals ?? []).map((literal) => literal.split('=')[0]!));
    for (const variable of [...Object.keys(config), ...literals]) expect(`${variable} ${readByCode(variable) ? 'is read' : 'is read by nothing'}`).toBe(`${variable} is read`);
    const referred = new Set(
      base.flatMap((resource) => {
        const pod = resource.kind === 'Deployment' ? (resource as unknown as Deployment).spec.template.spec : resource.kind === 'Job' ? (resource as unknown as Deployment).spec.template.spec : undefined;
        return (pod?.containers ?? []).flatMap((c) => (c.envFrom ?? []).flatMap((e) => (e.secretRef === undefined ? [] : [e.secretRef.name])));
      }),
    );
    expect(new Set((overlay.secretGenerator ?? []).map((secret) => secret.name))).toEqual(referred);
    // Each service's Secret carries its own broker user, the one provisioning makes for it.
    for (const name of SERVICE_NAMES) {
      const secret = overlay.secretGenerator?.find((s) => s.name === `edoc-${name}`);
      expect(secret?.literals).toContain(`EDOC_BROKER_USER=edoc-${name}`);
      const password = secret?.literals?.find((l) => l.startsWith('EDOC_BROKER_PASSWORD='))?.split('=')[1];
      expect(overlay.secretGenerator?.find((s) => s.name === 'edoc-provision')?.literals).toContain(`EDOC_BROKER_PASSWORD_${name.toUpperCase()}=${password}`);
    }
    expect(readFileSync(join(ROOT, 'libs', 'messaging', 'src', 'names.ts'), 'utf8')).toMatch(/vhost === '\/' \? `edoc-\$\{service\}`/);
    // The overlay's patches aim at resources the base has.
    for (const patch of overlay.patches ?? []) expect(base.some((r) => r.kind === patch.target.kind && r.metadata.name === patch.target.name)).toBe(true);
    expect(existsSync(join(dirname(join(K8S, 'overlays', 'demo', 'kustomization.yaml')), 'namespace.yaml'))).toBe(true);
  });

  it('let each service talk only to what it talks to: the database, the broker, the object store where it stores, identity\'s keys', () => {
    const usesObjectStore = ['intake', 'signing', 'archival', 'gateway'];
    for (const name of SERVICE_NAMES) {
      const policy = find<NetworkPolicy>('NetworkPolicy', name);
      const egressPorts = (policy.spec.egress ?? []).flatMap((rule) => (rule.ports ?? []).map((p) => p.port));
      expect([name, egressPorts.includes(5432), egressPorts.includes(5672), egressPorts.includes(9000)]).toEqual([name, true, true, usesObjectStore.includes(name)]);
      const toIdentity = (policy.spec.egress ?? []).some((rule) => rule.to?.some((peer) => peer.podSelector?.matchLabels['app.kubernetes.io/name'] === 'identity'));
      expect([name, toIdentity]).toEqual([name, name !== 'identity']);
    }
    const identityIngress = find<NetworkPolicy>('NetworkPolicy', 'identity').spec.ingress?.flatMap((rule) => rule.from ?? []).flatMap((peer) => (peer.podSelector === undefined ? [] : [peer.podSelector.matchLabels['app.kubernetes.io/name']]));
    expect(new Set(identityIngress)).toEqual(new Set(SERVICE_NAMES.filter((name) => name !== 'identity')));
    expect(find<{ spec: { podSelector: object; policyTypes: string[] } }>('NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it("let intake reach every service that consumes a queue, on its port, for the administrators' dead letters", () => {
    const consumers = EDOC_SERVICES.filter((name) => name !== 'intake' && consumedQueues(name).length > 0);
    const intakeEgress = find<NetworkPolicy>('NetworkPolicy', 'intake').spec.egress ?? [];
    for (const name of consumers) {
      const port = DEFAULT_SERVICE_PORTS[name];
      const reached = intakeEgress.some((rule) => rule.to?.some((peer) => peer.podSelector?.matchLabels['app.kubernetes.io/name'] === name) && rule.ports?.some((p) => p.port === port));
      const ingress = find<NetworkPolicy>('NetworkPolicy', name).spec.ingress ?? [];
      const admitted = ingress.some((rule) => rule.from?.some((peer) => peer.podSelector?.matchLabels['app.kubernetes.io/name'] === 'intake'));
      expect([name, reached, admitted]).toEqual([name, true, true]);
    }
  });
});

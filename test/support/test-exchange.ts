import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createTestDatabase, createTestVhost, startS3Server, TestDatabase, TestVhost, waitFor, type WaitForOptions } from '@edoc/testing';
import { withCredentials } from '@edoc/messaging';
import { demoPassword, parseUserSeed, type SeedUser } from '@edoc/identity';
import { IdentityClient, IdentityError, type TokenPair } from '@edoc/identity-client';
import { Client } from 'pg';
import { ChildExitedError, ChildWatch } from './child-watch';
import { freePort } from './free-port';
import { SignerDesk } from './signer-desk';

const ROOT = resolve(__dirname, '..', '..');
export const SERVICE_NAMES = ['identity', 'intake', 'signing', 'routing', 'archival', 'metrics', 'gateway'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface WardCredential {
  code: string;
  username: string;
  password: string;
  queue: string;
}

export interface TestExchangeOptions {
  /** Use an S3-protocol server (s3rver) instead of the filesystem backend. */
  s3?: boolean;
  env?: Record<string, string>;
  /**
   * Whether the demo signers approve every request waiting for them (default true): suites that
   * need documents issued. The suites about the signer's act itself set it false.
   */
  signersAtDesk?: boolean;
  /**
   * A second instance of every service beside the first, on ports of its own, consuming the same
   * queues: competing consumers, as when an operator scales out. The URLs stay the first's.
   */
  twoInstances?: boolean;
}

/** The users `edoc provision --demo` imports: the demo district's, or those of EDOC_USERS_FILE. */
function seedUsers(file = join(ROOT, 'deploy', 'seed', 'demo-users.json')): SeedUser[] {
  return parseUserSeed(JSON.parse(readFileSync(file, 'utf8')));
}

/**
 * A whole exchange for one test file: its own database, RabbitMQ vhost, S3 server and data
 * folder, provisioned by the real `edoc provision --demo`, with the six services as separate
 * processes started from the built code (npm test builds before jest runs). Every demo user is
 * signed in once the services are ready (with its demo password, over HTTP) and its access token
 * kept fresh in the background, so that `token(username)` stays synchronous.
 */
export class TestExchange {
  readonly ports = new Map<ServiceName, number>();
  readonly processes = new Map<ServiceName, ChildWatch>();
  /** The second instances of `twoInstances`, which only stop() stops. */
  private readonly secondInstances: ChildWatch[] = [];
  private readonly secondPorts = new Map<ServiceName, number[]>();
  private readonly secondByName = new Map<ServiceName, ChildWatch[]>();
  private readonly everStarted = new Set<ChildWatch>();
  env: Record<string, string> = {};
  private database!: TestDatabase;
  private vhost!: TestVhost;
  private stopS3: (() => Promise<void>) | undefined;
  private dataDir = '';
  private readonly sessions = new Map<string, TokenPair>();
  private refresher: NodeJS.Timeout | undefined;
  private desk: SignerDesk | undefined;
  private users: SeedUser[] = [];

  static async start(options: TestExchangeOptions = {}): Promise<TestExchange> {
    const exchange = new TestExchange();
    // Another directory and its users (EDOC_DIRECTORY_FILE, EDOC_USERS_FILE) make a second exchange of other units.
    exchange.users = seedUsers(options.env?.EDOC_USERS_FILE);
    try {
      await exchange.boot(options);
    } catch (error) {
      const complaints = exchange.complaints();
      // The caller never gets this exchange to stop: its services must not outlive the failure.
      await exchange.stop().catch(() => undefined);
      if (error instanceof Error && complaints !== '') error.message += `\nwhat the services logged as errors and warnings:\n${complaints}`;
      throw error;
    }
    return exchange;
  }

  get databaseUrl(): string {
    return this.database.url;
  }

  get amqpUrl(): string {
    return this.vhost.amqpUrl;
  }

  get vhostName(): string {
    return this.vhost.vhost;
  }

  get management(): TestVhost['management'] {
    return this.vhost.management;
  }

  get dataFolder(): string {
    return this.dataDir;
  }

  url(service: ServiceName, path = ''): string {
    return `http://127.0.0.1:${this.ports.get(service)}${path}`;
  }

  /**
   * A metric of a service as its instances say together: a counter (`_total`) summed over them (each
   * counts what it did), anything else the largest. `labels`: comma-separated, each must appear.
   * Undefined when no instance has the series.
   */
  async metric(service: ServiceName, name: string, labels = '', token = this.token('admin')): Promise<number | undefined> {
    const values: number[] = [];
    for (const url of this.instanceUrls(service, '/metrics')) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      const line = (await response.text()).split('\n').find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && labels.split(',').every((label) => l.includes(label)));
      if (line !== undefined) values.push(Number(line.split(' ').pop()));
    }
    if (values.length === 0) return undefined;
    return name.endsWith('_total') ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
  }

  /** The URL of each running instance of a service (two with `twoInstances`): for what each keeps to itself, like its metrics. */
  instanceUrls(service: ServiceName, path = ''): string[] {
    return [this.url(service, path), ...(this.secondPorts.get(service) ?? []).map((port) => `http://127.0.0.1:${port}${path}`)];
  }

  /** The access token of a demo user's session, signed in at boot and refreshed before it expires. */
  token(username: string): string {
    const entry = this.sessions.get(username);
    if (entry === undefined) throw new Error(`no demo user ${username}`);
    return entry.accessToken;
  }

  /** The demo users provisioning imported (username, unit, roles). */
  demoUsers(): SeedUser[] {
    return this.users.map((user) => ({ ...user, roles: [...user.roles] }));
  }

  /** The identity service's sign-in API of this exchange. */
  identity(): IdentityClient {
    return new IdentityClient(this.url('identity'));
  }

  /** A new session of its own (not the shared one of token()): for tests that sign out, revoke or refresh. */
  signIn(username: string, password: string = demoPassword(username)): Promise<TokenPair> {
    return this.identity().login(username, password);
  }

  /** The ward systems' broker users that provisioning made, by organisation code. */
  wardCredentials(): Record<string, WardCredential> {
    const file = join(this.dataDir, 'secrets', 'ward-broker-users.json');
    return this.dataDir !== '' && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, WardCredential>) : {};
  }

  wardCredential(code: string): WardCredential {
    const credential = this.wardCredentials()[code];
    if (credential === undefined) throw new Error(`no ward system user for ${code}`);
    return credential;
  }

  /** The AMQP URL of a ward system's own broker user on this exchange's vhost. */
  wardAmqpUrl(code: string): string {
    const credential = this.wardCredential(code);
    return withCredentials(this.vhost.amqpUrl, credential.username, credential.password);
  }

  /** The broker user of one of the services on this exchange's vhost. */
  brokerUserOf(service: ServiceName | 'operator'): string {
    return this.ownCredential(service).username;
  }

  /** The AMQP URL of a service's own broker user, or of the operator's (which may publish in another's name). */
  ownAmqpUrl(service: ServiceName | 'operator'): string {
    const credential = this.ownCredential(service);
    return withCredentials(this.vhost.amqpUrl, credential.username, credential.password);
  }

  /** What the metrics fixtures need to feed events in the names of intake and routing. */
  feedTarget(): { databaseUrl: string; operatorAmqpUrl: string; brokerUserOf: (service: 'intake' | 'routing') => string } {
    return { databaseUrl: this.databaseUrl, operatorAmqpUrl: this.ownAmqpUrl('operator'), brokerUserOf: (service) => this.brokerUserOf(service) };
  }

  private ownCredential(owner: ServiceName | 'operator'): { username: string; password: string } {
    return JSON.parse(readFileSync(join(this.dataDir, 'secrets', owner, 'broker.json'), 'utf8')) as { username: string; password: string };
  }

  async cli(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
    return promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'edoc.js'), ...args], { env: { ...process.env, ...this.env, ...env }, cwd: ROOT });
  }

  /** Runs bin/edoc.js against this exchange and keeps the exit code instead of throwing. */
  async cliOutcome(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      return { code: 0, ...(await this.cli(args)) };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  /** Starts a service unless one runs already (two callers racing to restart it get the same process). */
  startService(name: ServiceName): ChildWatch {
    const running = this.processes.get(name);
    if (running !== undefined && running.running) return running;
    const child = this.spawnService(name, `the ${name} service`, this.ports.get(name) as number, `${name}.log`);
    this.processes.set(name, child);
    this.everStarted.add(child);
    void child.exited.then(() => {
      if (this.processes.get(name) === child) this.processes.delete(name);
    });
    return child;
  }

  private spawnService(name: ServiceName, label: string, port: number, logName: string): ChildWatch {
    return ChildWatch.spawn({
      name: label,
      command: process.execPath,
      args: ['--enable-source-maps', join(ROOT, 'services', name, 'dist', 'main.js')],
      env: { ...process.env, ...this.env, NO_COLOR: '1', EDOC_PORT: String(port) },
      logFile: join(this.dataDir, logName),
    });
  }

  private async startSecondInstance(name: ServiceName): Promise<void> {
    const port = await freePort();
    const child = this.spawnService(name, `the second ${name} instance`, port, `${name}-2.log`);
    this.secondInstances.push(child);
    this.secondPorts.set(name, [...(this.secondPorts.get(name) ?? []), port]);
    this.secondByName.set(name, [...(this.secondByName.get(name) ?? []), child]);
    this.everStarted.add(child);
    await this.waitFor(`the second ${name} instance to be ready`, async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.ok === true, { timeoutMs: 60_000, intervalMs: 200 });
  }

  /**
   * Throws if a service exited without the test (or the chaos monkey) stopping it, with its last
   * output: what `failFast` of a wait on this exchange calls.
   */
  assertAlive(): void {
    for (const child of this.everStarted) child.assertAlive();
  }

  /** The last error and warning lines of every service: why a boot failed is usually among them. */
  private complaints(): string {
    return [...this.everStarted]
      .flatMap((child) => child.output().split('\n').filter((line) => /\b(ERROR|WARN)\b/.test(line)).slice(-8).map((line) => `[${child.name}] ${line}`))
      .join('\n');
  }

  /** @edoc/testing's waitFor that fails at once, with its output, when a service dies unasked. */
  waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, opts: WaitForOptions = {}): Promise<T> {
    const failFast = opts.failFast;
    return waitFor(what, check, {
      ...opts,
      failFast: () => {
        this.assertAlive();
        failFast?.();
      },
    });
  }

  async waitReady(name: ServiceName, timeoutMs = 60_000): Promise<void> {
    let last = '';
    const ready = async () => {
      try {
        const response = await fetch(this.url(name, '/health/ready'), { signal: AbortSignal.timeout(10_000) });
        if (response.ok) return true;
        last = await response.text();
      } catch (error) {
        last = (error as Error).message;
      }
      return false;
    };
    try {
      await this.waitFor(`${name} to be ready`, ready, { timeoutMs, intervalMs: 200 });
    } catch (error) {
      if (error instanceof ChildExitedError) throw error;
      throw new Error(`${name} not ready after ${timeoutMs} ms: ${last}\n${this.logOf(name).slice(-3000)}`);
    }
  }

  /** What the service logged: its first instance's log, then its other instances' (with `twoInstances`), each whole. */
  logOf(name: ServiceName): string {
    const read = (file: string) => {
      try {
        return readFileSync(join(this.dataDir, file), 'utf8');
      } catch {
        return '';
      }
    };
    const others = existsSync(this.dataDir) ? readdirSync(this.dataDir).filter((file) => file.startsWith(`${name}-2`) && file.endsWith('.log')).sort() : [];
    return [`${name}.log`, ...others].map(read).join('');
  }

  /** Stops a service as wanted (a SIGKILL of the chaos monkey too); resolves with its exit code. */
  async stopService(name: ServiceName, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.processes.get(name);
    if (child === undefined) return null;
    return (await child.stop(signal)).code;
  }

  /** stopService for every instance of the service (one, or two with `twoInstances`): when nothing of it may run. */
  async stopEveryInstance(name: ServiceName): Promise<void> {
    await Promise.all([this.stopService(name), ...(this.secondByName.get(name) ?? []).map((child) => child.stop('SIGTERM'))]);
  }

  /** Starts every instance stopEveryInstance stopped, on the ports they had, and waits until each is ready. */
  async startEveryInstance(name: ServiceName): Promise<void> {
    this.startService(name);
    const ports = this.secondPorts.get(name) ?? [];
    const children = ports.map((port, index) => this.spawnService(name, `the second ${name} instance`, port, `${name}-2.${index}.log`));
    for (const child of children) {
      this.secondInstances.push(child);
      this.everStarted.add(child);
    }
    this.secondByName.set(name, children);
    await this.waitReady(name);
    for (const port of ports) await this.waitFor(`the second ${name} instance to be ready`, async () => (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.ok === true, { timeoutMs: 60_000, intervalMs: 200 });
  }

  async stop(): Promise<void> {
    clearInterval(this.refresher);
    await this.desk?.stop();
    await Promise.all([...SERVICE_NAMES.map((name) => this.stopService(name).catch(() => undefined)), ...this.secondInstances.map((child) => child.stop('SIGTERM').catch(() => undefined))]);
    // Whatever still runs (a process a test lost track of) must not outlive the test.
    for (const child of this.everStarted) child.kill('SIGKILL');
    await this.vhost?.drop().catch(() => undefined);
    await this.database?.drop().catch(() => undefined);
    await this.stopS3?.();
    if (this.dataDir !== '' && process.env.EDOC_KEEP_TEST_DATA !== '1') rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async boot(options: TestExchangeOptions): Promise<void> {
    this.database = await createTestDatabase({ prefix: 'edoc_e2e' });
    this.vhost = await createTestVhost({ prefix: 'edoc-e2e' });
    this.dataDir = mkdtempSync(join(tmpdir(), 'edoc-e2e-'));
    this.env = {
      EDOC_DATABASE_URL: this.database.url,
      EDOC_AMQP_URL: this.vhost.amqpUrl,
      EDOC_DATA_DIR: this.dataDir,
      // P-256 keys make provisioning the demo PKI take a second instead of twenty; the signing
      // library's own tests cover RSA.
      EDOC_DEMO_KEY_ALGORITHM: 'ec-p256',
      // The lowest password-hash cost the settings accept: provisioning hashes the 71 demo passwords
      // and the boot signs each in, 1.7 CPU-seconds of every exchange at production's cost, and the
      // suite is CPU-bound. Production's defaults are held by the hasher's unit test.
      EDOC_ARGON2_MEMORY_KIB: '8192',
      EDOC_ARGON2_ITERATIONS: '1',
      ...options.env,
    };
    if (options.s3) {
      const s3 = await startS3Server();
      this.stopS3 = () => s3.stop();
      Object.assign(this.env, { EDOC_S3_ENDPOINT: s3.endpoint, EDOC_S3_ACCESS_KEY: s3.accessKey, EDOC_S3_SECRET_KEY: s3.secretKey });
    }
    for (const name of SERVICE_NAMES) this.ports.set(name, await freePort());
    this.env.EDOC_SIGNING_PUBLIC_URL = this.url('signing');
    this.env.EDOC_IDENTITY_URL = this.url('identity');
    // Intake reaches the others for the administrators' dead-letter screen.
    Object.assign(this.env, { EDOC_SIGNING_URL: this.url('signing'), EDOC_ROUTING_URL: this.url('routing'), EDOC_ARCHIVAL_URL: this.url('archival'), EDOC_METRICS_URL: this.url('metrics'), EDOC_GATEWAY_URL: this.url('gateway') });
    this.env.EDOC_PUBLIC_ORIGINS = SERVICE_NAMES.map((name) => this.url(name)).join(',');
    await this.cli(['provision', '--demo']);
    for (const name of SERVICE_NAMES) this.startService(name);
    await Promise.all(SERVICE_NAMES.map((name) => this.waitReady(name)));
    // EDOC_E2E_TWO_INSTANCES=1 (npm run test:e2e:scaled) runs every e2e file on two instances of each service.
    if (options.twoInstances ?? process.env.EDOC_E2E_TWO_INSTANCES === '1') await Promise.all(SERVICE_NAMES.map((name) => this.startSecondInstance(name)));
    await this.signInDemoUsers();
    await this.untilIntakeKnowsTheSigners();
    if (options.signersAtDesk !== false) {
      this.desk = new SignerDesk(this);
      this.desk.start();
    }
  }

  private async signInDemoUsers(): Promise<void> {
    const queue = [...this.users];
    const worker = async () => {
      for (let user = queue.shift(); user !== undefined; user = queue.shift()) this.sessions.set(user.username, await this.signInAsAClientWould(user.username));
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    // Access tokens live 10 minutes, test files longer: each is refreshed when it has 3 minutes left.
    this.refresher = setInterval(() => void this.refreshExpiring(), 30_000);
    this.refresher.unref();
  }

  /** A 503 (a dependency out of reach for a moment) is sent again after its Retry-After, as a client would. */
  private async signInAsAClientWould(username: string): Promise<TokenPair> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.signIn(username);
      } catch (error) {
        if (!(error instanceof IdentityError) || error.status !== 503 || attempt >= 5) throw error;
        await sleep(1000 * (error.retryAfterSeconds ?? 1));
      }
    }
  }

  private async refreshExpiring(): Promise<void> {
    for (const [username, pair] of this.sessions) {
      if (Date.parse(pair.accessExpiresAt) - Date.now() > 180_000) continue;
      // A restarting identity service (chaos) leaves the old pair until the next round.
      const next = await this.identity()
        .refresh(pair.refreshToken)
        .catch(() => this.signIn(username).catch(() => undefined));
      if (next !== undefined) this.sessions.set(username, next);
    }
  }

  /** Intake learns its signers from identity's user.changed events: a submission before that would be refused. */
  private async untilIntakeKnowsTheSigners(): Promise<void> {
    const signers = this.users.filter((user) => user.roles.includes('signer')).length;
    const db = new Client({ connectionString: this.database.url });
    await db.connect();
    try {
      await this.waitFor(
        `intake to know the ${signers} demo signers`,
        async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM intake.signers WHERE active')).rows[0]?.n) >= signers,
        { timeoutMs: 60_000, intervalMs: 100 },
      );
    } finally {
      await db.end();
    }
  }
}

import { ChildProcess, execFile, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, createTestVhost, startS3Server, TestDatabase, TestVhost } from '@edoc/testing';
import { freePort } from './free-port';

const ROOT = resolve(__dirname, '..', '..');
export const SERVICE_NAMES = ['intake', 'signing', 'routing', 'archival', 'metrics'] as const;
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
}

/**
 * A whole exchange for one test file: its own database, RabbitMQ vhost, S3 server and data
 * folder, provisioned by the real `edoc provision`, with the five services as separate processes
 * started from the built code (npm test builds before jest runs).
 */
export class TestExchange {
  readonly ports = new Map<ServiceName, number>();
  readonly processes = new Map<ServiceName, ChildProcess>();
  private readonly everStarted = new Set<ChildProcess>();
  env: Record<string, string> = {};
  private database!: TestDatabase;
  private vhost!: TestVhost;
  private stopS3: (() => Promise<void>) | undefined;
  private dataDir = '';
  private tokens: Record<string, { token: string; orgCode: string; roles: string[] }> = {};

  static async start(options: TestExchangeOptions = {}): Promise<TestExchange> {
    const exchange = new TestExchange();
    await exchange.boot(options);
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

  token(username: string): string {
    const entry = this.tokens[username];
    if (entry === undefined) throw new Error(`no demo user ${username}`);
    return entry.token;
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
    const url = new URL(this.vhost.amqpUrl);
    url.username = encodeURIComponent(credential.username);
    url.password = encodeURIComponent(credential.password);
    return url.toString();
  }

  async cli(args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
    return promisify(execFile)(process.execPath, [join(ROOT, 'bin', 'edoc.js'), ...args], { env: { ...process.env, ...this.env, ...env }, cwd: ROOT });
  }

  /** Starts a service unless one runs already (two callers racing to restart it get the same process). */
  startService(name: ServiceName): ChildProcess {
    const running = this.processes.get(name);
    if (running !== undefined && running.exitCode === null && running.signalCode === null) return running;
    const log = createWriteStream(join(this.dataDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, ['--enable-source-maps', join(ROOT, 'services', name, 'dist', 'main.js')], {
      env: { ...process.env, ...this.env, NO_COLOR: '1', EDOC_PORT: String(this.ports.get(name)) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.processes.set(name, child);
    this.everStarted.add(child);
    child.once('exit', () => {
      if (this.processes.get(name) === child) this.processes.delete(name);
    });
    return child;
  }

  async waitReady(name: ServiceName, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const response = await fetch(this.url(name, '/health/ready'));
        if (response.ok) return;
        last = await response.text();
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${name} not ready after ${timeoutMs} ms: ${last}\n${this.logOf(name).slice(-3000)}`);
  }

  logOf(name: ServiceName): string {
    try {
      return readFileSync(join(this.dataDir, `${name}.log`), 'utf8');
    } catch {
      return '';
    }
  }

  async stopService(name: ServiceName, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.processes.get(name);
    if (child === undefined || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    return exited;
  }

  async stop(): Promise<void> {
    await Promise.all(SERVICE_NAMES.map((name) => this.stopService(name).catch(() => undefined)));
    // Whatever still runs (a process a test lost track of) must not outlive the test.
    for (const child of this.everStarted) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    // Broker users are global: the ward users provisioned for this vhost go with it.
    await Promise.all(Object.values(this.wardCredentials()).map((ward) => this.vhost.management.deleteUser(ward.username).catch(() => undefined)));
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
      ...options.env,
    };
    if (options.s3) {
      const s3 = await startS3Server();
      this.stopS3 = () => s3.stop();
      Object.assign(this.env, { EDOC_S3_ENDPOINT: s3.endpoint, EDOC_S3_ACCESS_KEY: s3.accessKey, EDOC_S3_SECRET_KEY: s3.secretKey });
    }
    for (const name of SERVICE_NAMES) this.ports.set(name, await freePort());
    this.env.EDOC_SIGNING_PUBLIC_URL = this.url('signing');
    await this.cli(['provision']);
    this.tokens = JSON.parse(readFileSync(join(this.dataDir, 'demo-tokens.json'), 'utf8'));
    for (const name of SERVICE_NAMES) this.startService(name);
    await Promise.all(SERVICE_NAMES.map((name) => this.waitReady(name)));
  }
}

import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { ChildWatch } from '../support/child-watch';
import { freePort } from '../support/free-port';
import { http } from '../support/http';
import { TestExchange, type ServiceName } from '../support/test-exchange';

const ROOT = resolve(__dirname, '..', '..');

/**
 * EDOC_MODE=production against what `edoc provision --demo` made: the services must refuse to
 * start, each saying what to set, and start once the demo secrets are gone.
 */
describe('production mode refuses demo secrets', () => {
  let exchange: TestExchange;
  const started: ChildWatch[] = [];
  let emptyPki: string;

  beforeAll(async () => {
    exchange = await TestExchange.start();
    emptyPki = mkdtempSync(join(tmpdir(), 'edoc-pki-'));
  });

  afterAll(async () => {
    for (const child of started) child.kill('SIGKILL');
    await exchange?.stop();
    rmSync(emptyPki, { recursive: true, force: true });
  });

  /** A second instance of `name` beside the exchange's, in production mode, with `env` on top of the exchange's settings. */
  async function startInProduction(name: ServiceName, env: Record<string, string> = {}): Promise<{ child: ChildWatch; port: number }> {
    const port = await freePort();
    const child = ChildWatch.spawn({
      name: `the ${name} service in production mode`,
      command: process.execPath,
      args: [join(ROOT, 'services', name, 'dist', 'main.js')],
      env: { ...process.env, ...exchange.env, NO_COLOR: '1', EDOC_PORT: String(port), EDOC_MODE: 'production', ...env },
    });
    started.push(child);
    return { child, port };
  }

  /** Waits for a refusing service to end, with all of its output; undefined if it is still running after `timeoutMs`. */
  async function refusal(child: ChildWatch, timeoutMs: number): Promise<{ code: number | null; output: string } | undefined> {
    child.expectExit();
    const closed = child.running ? once(child.child, 'close') : Promise.resolve();
    const ended = await Promise.race([closed.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), timeoutMs))]);
    return ended ? { code: child.child.exitCode, output: child.output() } : undefined;
  }

  /** The trust-auth test database takes any password: one in the URL stands for a database user of its own. */
  const withPassword = (url: string) => url.replace('postgres://postgres@', 'postgres://postgres:a-password-of-its-own@');

  it("keeps the root CA key offline, and every other key only in the secrets folder of the services that use it", () => {
    const data = exchange.dataFolder;
    expect(existsSync(join(data, 'pki', 'root-ca.cert.pem'))).toBe(true);
    expect(existsSync(join(data, 'offline-ca', 'root-ca.key.pem'))).toBe(true);
    const keysIn = (folder: string) => (existsSync(join(data, folder)) ? (readdirSync(join(data, folder), { recursive: true }) as string[]).filter((name) => name.endsWith('.key.pem')) : []);
    expect(keysIn('pki')).toEqual([]);
    expect(keysIn('secrets/signing')).toEqual(expect.arrayContaining(['keys/tsa.key.pem', 'keys/people/hbt.signer.key.pem', 'keys/orgs/000.00.13.H26.key.pem']));
    expect(keysIn('secrets/signing')).not.toContain('keys/archive.key.pem');
    expect([...keysIn('secrets/archival')].sort()).toEqual(['keys/archive.key.pem', 'keys/tsa.key.pem']);
    expect(keysIn('secrets/ca')).toEqual(['keys/issuing-ca.key.pem']);
    for (const service of ['intake', 'routing', 'metrics', 'identity']) expect([service, keysIn(`secrets/${service}`)]).toEqual([service, []]);
    // Each service's broker password is in its own folder too.
    for (const service of ['intake', 'signing', 'routing', 'archival', 'metrics', 'identity']) expect(existsSync(join(data, 'secrets', service, 'broker.json'))).toBe(true);
    expect(existsSync(join(data, 'secrets', 'broker'))).toBe(false);
  });

  it('refuses a private key left in the folder every service reads', async () => {
    const shared = mkdtempSync(join(tmpdir(), 'edoc-shared-pki-'));
    try {
      cpSync(join(exchange.dataFolder, 'pki'), shared, { recursive: true });
      cpSync(join(exchange.dataFolder, 'secrets', 'archival', 'keys', 'archive.key.pem'), join(shared, 'archive.key.pem'));
      const ended = await refusal((await startInProduction('routing', { EDOC_PKI_DIR: shared })).child, 30_000);
      expect(ended?.code).toBe(1);
      expect(ended!.output).toContain(`1 private key in ${shared}, the folder every service reads (${join(shared, 'archive.key.pem')})`);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });

  it('provisions nothing demo in production mode, and refuses --demo there', async () => {
    const refused = await exchange.cli(['provision', '--demo'], { EDOC_MODE: 'production' }).catch((error: { stderr: string; code: number }) => error);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('--demo imports users whose passwords are published and makes a demo PKI: not in production mode') });
    // On the exchange's own data folder: a new one would get new broker passwords, and the running services would lose theirs.
    const { stdout } = await exchange.cli(['provision'], { EDOC_MODE: 'production', EDOC_PKI_DIR: emptyPki });
    expect(stdout).toContain(`pki: production mode, nothing demo made: the services read ${emptyPki}`);
    expect(stdout).toContain('users: none added');
    expect(readdirSync(emptyPki)).toEqual([]);
  });

  it('stops signing at once on the demo PKI and a database without a password, naming each with what to set', async () => {
    const { child } = await startInProduction('signing');
    const ended = await refusal(child, 30_000);
    expect(ended?.code).toBe(1);
    const output = ended!.output;
    expect(output).toContain('signing refuses to start in production mode (EDOC_MODE=production)');
    expect(output).toContain('EDOC_DATABASE_URL connects as postgres without a password');
    expect(output).toMatch(/the PKI in \S+ is the demo PKI \(".* - Root CA \(demo\)"\): set EDOC_PKI_DIR/);
    expect(output).not.toContain("root CA's private key");
    expect(output).not.toContain('HTTP on port');
  });

  it('stops identity while users still sign in with their demo password, and starts it once every one has its own', async () => {
    const env = { EDOC_DATABASE_URL: withPassword(exchange.databaseUrl), EDOC_PKI_DIR: emptyPki };
    const refused = await refusal((await startInProduction('identity', env)).child, 60_000);
    expect(refused?.code).toBe(1);
    expect(refused!.output).toMatch(/identity refuses to start in production mode \(EDOC_MODE=production\): \d+ user\(s\) still sign in with their demo password \(.+\): give them passwords of their own \(`edoc users reset-password`\)/);

    // The administrator gives every demo user a new password (itself last: a reset ends its sessions).
    const db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
    const demo = (await db.query<{ username: string }>('SELECT username FROM identity.users WHERE demo_password ORDER BY username = $1, username', ['admin'])).rows.map((r) => r.username);
    await db.end();
    expect(demo.length).toBeGreaterThan(10);
    const adminToken = exchange.token('admin');
    const queue = [...demo];
    const worker = async () => {
      for (let username = queue.shift(); username !== undefined; username = queue.shift()) {
        const answer = await http(exchange.url('identity', `/users/${encodeURIComponent(username)}/reset-password`), { token: adminToken, json: {} });
        expect([username, answer.status]).toEqual([username, 200]);
      }
    };
    await Promise.all([worker(), worker(), worker()]);

    const { child, port } = await startInProduction('identity', env);
    await exchange.waitFor(
      'identity in production mode to be ready',
      async () => {
        child.assertAlive();
        return (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.ok === true;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(child.output()).not.toContain('refuses to start');
  });
});

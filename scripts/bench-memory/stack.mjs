// A scratch exchange for the memory benchmark, shaped like test/support/test-exchange.ts: its own
// database, RabbitMQ vhost, data folder (and S3 server with --s3), provisioned by the real
// `edoc provision --demo`, the six services as processes of the built code on free ports, every
// demo user signed in with its demo password.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const require = createRequire(import.meta.url);
export const SERVICE_NAMES = ['identity', 'intake', 'signing', 'routing', 'archival', 'metrics'];

/** `beforeServices({ dataDir, env })` runs after provisioning, before the services start: e.g. to move keys to an HSM. */
export async function startStack({ root, s3 = false, beforeServices, cpuProfileDir, syncFsDir, keyAlgorithm = 'ec-p256' }) {
  const testing = require('@edoc/testing');
  const cleanups = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const database = await testing.createTestDatabase({ prefix: 'edoc_bench' });
    cleanups.push(() => database.drop());
    const vhost = await testing.createTestVhost({ prefix: 'edoc-bench' });
    cleanups.push(() => vhost.drop());
    const dataDir = mkdtempSync(join(tmpdir(), 'edoc-bench-memory-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    // P-256 keys make provisioning take a second instead of twenty, and cost no memory; they do cost
    // CPU differently from RSA, so a throughput benchmark may ask for the keys `npm start` makes.
    const env = { ...process.env, EDOC_DATABASE_URL: database.url, EDOC_AMQP_URL: vhost.amqpUrl, EDOC_DATA_DIR: dataDir, EDOC_DEMO_KEY_ALGORITHM: keyAlgorithm, NO_COLOR: '1' };
    if (s3) {
      const server = await testing.startS3Server();
      cleanups.push(() => server.stop());
      Object.assign(env, { EDOC_S3_ENDPOINT: server.endpoint, EDOC_S3_ACCESS_KEY: server.accessKey, EDOC_S3_SECRET_KEY: server.secretKey });
    }
    const ports = new Map();
    for (const name of SERVICE_NAMES) ports.set(name, await freePort());
    const url = (name, path = '') => `http://127.0.0.1:${ports.get(name)}${path}`;
    env.EDOC_SIGNING_PUBLIC_URL = url('signing');
    env.EDOC_IDENTITY_URL = url('identity');
    env.EDOC_PUBLIC_ORIGINS = SERVICE_NAMES.map((name) => url(name)).join(',');
    // The biggest file takes minutes end to end: tokens live the longest allowed.
    env.EDOC_ACCESS_TOKEN_SECONDS = '900';
    await promisify(execFile)(process.execPath, [join(root, 'bin', 'edoc.js'), 'provision', '--demo'], { env, cwd: root });
    await beforeServices?.({ dataDir, env });

    const children = new Map();
    for (const name of SERVICE_NAMES) {
      const log = openSync(join(dataDir, `${name}.log`), 'a');
      // With cpuProfileDir, each service writes a V8 CPU profile into <dir>/<service> when it stops.
      const profile = cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${join(cpuProfileDir, name)}`];
      // With syncFsDir, each service times its synchronous file-system calls into <dir>/<service>.json when it stops.
      const syncFs = syncFsDir === undefined ? [] : ['--require', join(root, 'scripts', 'bench-memory', 'sync-fs-timing.cjs')];
      const child = spawn(process.execPath, ['--enable-source-maps', ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean), ...profile, ...syncFs, join(root, 'services', name, 'dist', 'main.js')], { env: { ...env, EDOC_PORT: String(ports.get(name)), ...(syncFsDir === undefined ? {} : { BENCH_SYNC_FS_DIR: syncFsDir }) }, stdio: ['ignore', log, log] });
      children.set(name, child);
    }
    cleanups.push(async () => {
      await Promise.all([...children.values()].map((child) => stopChild(child)));
    });
    await Promise.all(SERVICE_NAMES.map((name) => waitReady(name, url(name, '/health/ready'), children.get(name), join(dataDir, `${name}.log`))));
    const tokens = await signInDemoUsers(root, url('identity'));
    await untilIntakeKnowsSigners(database.url, Object.values(tokens).filter((user) => user.roles.includes('signer')).length);
    return {
      url,
      dataDir,
      token: (username) => {
        const entry = tokens[username];
        if (entry === undefined) throw new Error(`no demo user ${username}`);
        return entry.token;
      },
      users: () => Object.entries(tokens).map(([username, entry]) => ({ username, ...entry })),
      pid: (name) => children.get(name).pid,
      assertAlive: () => {
        for (const [name, child] of children) if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the ${name} service exited (${child.exitCode ?? child.signalCode}); see ${join(dataDir, `${name}.log`)}`);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Every demo user signed in with its demo password: username → { orgCode, roles, token }. */
async function signInDemoUsers(root, identityUrl) {
  const seed = JSON.parse(readFileSync(join(root, 'deploy', 'seed', 'demo-users.json'), 'utf8')).users;
  const tokens = {};
  const queue = [...seed];
  const worker = async () => {
    for (let user = queue.shift(); user !== undefined; user = queue.shift()) {
      const response = await fetch(`${identityUrl}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user.username, password: `edoc-demo-${user.username}` }) });
      if (!response.ok) throw new Error(`sign-in of ${user.username} refused: ${response.status} ${await response.text()}`);
      tokens[user.username] = { orgCode: user.orgCode, roles: user.roles, token: (await response.json()).accessToken };
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return tokens;
}

/** Intake learns its signers from identity's events; a submission before that would be refused. */
async function untilIntakeKnowsSigners(databaseUrl, signers) {
  const { Client } = require('pg');
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
      const { rows } = await db.query('SELECT count(*) AS n FROM intake.signers WHERE active');
      if (Number(rows[0].n) >= signers) return;
    }
    throw new Error(`intake did not learn the ${signers} demo signers in 60 s`);
  } finally {
    await db.end();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(name, url, child, logFile) {
  const deadline = Date.now() + 60_000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the ${name} service exited with ${child.exitCode} while starting:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the ${name} service was not ready after 60 s: ${last}`);
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

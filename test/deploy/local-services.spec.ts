import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './code-facts';
import { freePort } from '../support/free-port';

/**
 * scripts/local-services.sh on machines it cannot be tried on here (this one runs PostgreSQL and
 * RabbitMQ already): a bare Debian machine, one that is not Debian, one whose servers are
 * elsewhere. The machine is a scratch folder: PATH holds only the basic tools and stand-ins for
 * apt-get, pg_ctlcluster, rabbitmq-server and rabbitmq-plugins that log their calls and, like the
 * real ones, make something listen on the port the script then waits for.
 */
const SCRIPT = join(ROOT, 'scripts', 'local-services.sh');
const BASIC_TOOLS = ['bash', 'seq', 'sort', 'ls', 'tail', 'cat', 'cp', 'rm', 'sleep', 'tee', 'mkdir', 'printf'];

interface Machine {
  dir: string;
  bin: string;
  log: string;
  pgEtc: string;
  ports: { pg: number; amqp: number; management: number };
}

interface Outcome {
  code: number | null;
  stderr: string;
  calls: string[];
}

function which(tool: string): string {
  for (const dir of ['/usr/bin', '/bin', '/usr/local/bin']) if (existsSync(join(dir, tool))) return join(dir, tool);
  throw new Error(`${tool} not found`);
}

/** A stand-in command: logs its arguments, then runs `body`. */
function stub(machine: Machine, name: string, body = ''): void {
  const path = join(machine.bin, name);
  writeFileSync(path, `#!${which('bash')}\necho "${name} $*" >> "${machine.log}"\n${body}\n`);
  chmodSync(path, 0o755);
}

/** Background listeners the stand-ins start, stopped after each test. */
const LISTENER = `
const [port, kind] = process.argv.slice(1);
const server = kind === 'http'
  ? require('node:http').createServer((_req, res) => res.end('{}'))
  : require('node:net').createServer((socket) => socket.end());
server.listen(Number(port), '127.0.0.1');
setTimeout(() => process.exit(0), 60_000);
`;

function listen(machine: Machine, port: number, kind: 'tcp' | 'http'): string {
  return `"${process.execPath}" -e '${LISTENER.replace(/'/g, "'\\''")}' ${port} ${kind} >/dev/null 2>&1 &\necho $! >> "${machine.dir}/pids"`;
}

async function machine(): Promise<Machine> {
  const dir = mkdtempSync(join(tmpdir(), 'edoc-local-services-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of BASIC_TOOLS) symlinkSync(which(tool), join(bin, tool));
  symlinkSync(process.execPath, join(bin, 'node'));
  const m: Machine = { dir, bin, log: join(dir, 'calls.log'), pgEtc: join(dir, 'etc-postgresql'), ports: { pg: await freePort(), amqp: await freePort(), management: await freePort() } };
  writeFileSync(m.log, '');
  // Root, so the script runs its commands without sudo; not logged, the script asks often.
  writeFileSync(join(bin, 'id'), `#!${which('bash')}\necho 0\n`);
  chmodSync(join(bin, 'id'), 0o755);
  mkdirSync(join(dir, 'limits.d'));
  return m;
}

/** apt-get that "installs" the PostgreSQL and RabbitMQ stand-ins, as the real packages bring the real commands. */
function debian(m: Machine): void {
  const pgCtl = `#!${which('bash')}\necho "pg_ctlcluster $*" >> "${m.log}"\n[ "$4" = start ] && { ${listen(m, m.ports.pg, 'tcp')}; }\nexit 0\n`;
  const rabbit = `#!${which('bash')}\necho "rabbitmq-server $*" >> "${m.log}"\n${listen(m, m.ports.amqp, 'tcp')}\n`;
  const plugins = `#!${which('bash')}\necho "rabbitmq-plugins $*" >> "${m.log}"\n${listen(m, m.ports.management, 'http')}\n`;
  writeFileSync(join(m.dir, 'pg_ctlcluster'), pgCtl);
  writeFileSync(join(m.dir, 'rabbitmq-server'), rabbit);
  writeFileSync(join(m.dir, 'rabbitmq-plugins'), plugins);
  stub(
    m,
    'apt-get',
    `if [ "$1" = install ]; then
  for p in "$@"; do
    case "$p" in
      postgresql) mkdir -p "${m.pgEtc}/16/main"; printf 'host all all 127.0.0.1/32 scram-sha-256\\n' > "${m.pgEtc}/16/main/pg_hba.conf"; cp "${m.dir}/pg_ctlcluster" "${m.bin}/"; chmod +x "${m.bin}/pg_ctlcluster" ;;
      rabbitmq-server) cp "${m.dir}/rabbitmq-server" "${m.dir}/rabbitmq-plugins" "${m.bin}/"; chmod +x "${m.bin}/rabbitmq-server" "${m.bin}/rabbitmq-plugins" ;;
    esac
  done
fi`,
  );
  symlinkSync(which('chmod'), join(m.bin, 'chmod'));
}

function run(m: Machine, args: string[] = [], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(which('bash'), [SCRIPT, ...args], {
      env: {
        PATH: m.bin,
        HOME: m.dir,
        TMPDIR: m.dir,
        EDOC_LOCAL_PG_PORT: String(m.ports.pg),
        EDOC_LOCAL_AMQP_PORT: String(m.ports.amqp),
        EDOC_LOCAL_MANAGEMENT_PORT: String(m.ports.management),
        EDOC_LOCAL_PG_ETC: m.pgEtc,
        EDOC_LOCAL_LIMITS_DIR: join(m.dir, 'limits.d'),
        EDOC_LOCAL_WAIT_SECONDS: '20',
        ...env,
      },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, calls: readFileSync(m.log, 'utf8').split('\n').filter((line) => line !== '') }));
  });
}

function cleanUp(m: Machine): void {
  const pids = join(m.dir, 'pids');
  if (existsSync(pids)) {
    for (const pid of readFileSync(pids, 'utf8').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid));
      } catch {
        // already gone
      }
    }
  }
  rmSync(m.dir, { recursive: true, force: true });
}

describe('scripts/local-services.sh: the servers `npm start` needs on this machine', () => {
  const machines: Machine[] = [];
  const servers: (Server | HttpServer)[] = [];

  afterEach(async () => {
    for (const m of machines.splice(0)) cleanUp(m);
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function bare(): Promise<Machine> {
    const m = await machine();
    machines.push(m);
    return m;
  }

  it('leaves servers that already answer alone, saying nothing', async () => {
    const m = await bare();
    debian(m);
    for (const port of [m.ports.pg, m.ports.amqp]) {
      const server = createServer((socket) => socket.end());
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      servers.push(server);
    }
    const management = createHttpServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => management.listen(m.ports.management, '127.0.0.1', resolve));
    servers.push(management);
    const outcome = await run(m);
    expect(outcome).toEqual({ code: 0, stderr: '', calls: [] });
  });

  it('on a bare Debian machine installs PostgreSQL and RabbitMQ, lets postgres in from loopback, starts both, enables the management API', async () => {
    const m = await bare();
    debian(m);
    const outcome = await run(m);
    expect([outcome.code, outcome.stderr]).toEqual([0, expect.stringContaining('edoc: PostgreSQL and RabbitMQ are running')]);
    expect(outcome.calls).toEqual([
      'apt-get update -qq',
      'apt-get install -y -qq --no-install-recommends postgresql rabbitmq-server',
      'pg_ctlcluster --skip-systemctl-redirect 16 main start',
      'rabbitmq-server -detached',
      'rabbitmq-plugins enable --quiet rabbitmq_management',
    ]);
    const hba = readFileSync(join(m.pgEtc, '16', 'main', 'pg_hba.conf'), 'utf8').split('\n');
    expect(hba.slice(0, 3)).toEqual(['# added by edoc (scripts/local-services.sh) for the demo district', 'host all postgres 127.0.0.1/32 trust', 'host all all 127.0.0.1/32 scram-sha-256']);
    expect(readFileSync(join(m.dir, 'limits.d', 'rabbitmq-edoc.conf'), 'utf8')).toMatch(/^rabbitmq soft nofile \d+\nrabbitmq hard nofile \d+\n$/);
  });

  it('starts an installed PostgreSQL without touching its pg_hba.conf', async () => {
    const m = await bare();
    debian(m);
    mkdirSync(join(m.pgEtc, '15', 'main'), { recursive: true });
    writeFileSync(join(m.pgEtc, '15', 'main', 'pg_hba.conf'), 'host all all 127.0.0.1/32 scram-sha-256\n');
    writeFileSync(join(m.bin, 'pg_ctlcluster'), readFileSync(join(m.dir, 'pg_ctlcluster')));
    chmodSync(join(m.bin, 'pg_ctlcluster'), 0o755);
    const management = createHttpServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => management.listen(m.ports.management, '127.0.0.1', resolve));
    const amqp = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => amqp.listen(m.ports.amqp, '127.0.0.1', resolve));
    servers.push(management, amqp);
    const outcome = await run(m);
    expect(outcome.code).toBe(0);
    expect(outcome.calls).toEqual(['pg_ctlcluster --skip-systemctl-redirect 15 main start']);
    expect(readFileSync(join(m.pgEtc, '15', 'main', 'pg_hba.conf'), 'utf8')).toBe('host all all 127.0.0.1/32 scram-sha-256\n');
  });

  it('elsewhere names what to install, and changes nothing', async () => {
    const m = await bare();
    const outcome = await run(m);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toContain('This is not a Debian or Ubuntu machine');
    expect(outcome.stderr).toContain('PostgreSQL 15 or later');
    expect(outcome.stderr).toContain('rabbitmq-plugins enable rabbitmq_management');
    expect(outcome.calls).toEqual([]);
  });

  it('leaves servers on other hosts to their owners', async () => {
    const m = await bare();
    debian(m);
    const outcome = await run(m, [], { EDOC_DATABASE_URL: 'postgres://edoc:secret@db.district.example:5432/edoc', EDOC_AMQP_URL: 'amqps://edoc@mq.district.example:5671/edoc' });
    expect(outcome).toEqual({ code: 0, stderr: '', calls: [] });
  });

  it('with --check only reports what is not running', async () => {
    const m = await bare();
    debian(m);
    const outcome = await run(m, ['--check']);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/not running: PostgreSQL on 127\.0\.0\.1:\d+;RabbitMQ on 127\.0\.0\.1:\d+/);
    expect(outcome.calls).toEqual([]);
  });

  it('explains itself with --help', async () => {
    const m = await bare();
    const outcome = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(which('bash'), [SCRIPT, '--help'], { env: { PATH: m.bin } });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(outcome.code).toBe(0);
    expect(outcome.stdout).toMatch(/^usage: bash scripts\/local-services.sh \[--check\]/);
  });
});

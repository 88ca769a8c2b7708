import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync } from 'node:fs';
import { ServiceName, SERVICE_NAMES, TestExchange } from '../support/test-exchange';

const run = promisify(execFile);

/** A small seeded generator, so a failing run can be replayed with the same choices. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ChaosLog {
  kills: Record<ServiceName, number>;
  brokerRestarts: number;
  databaseRestarts: number;
  gracefulStops: { service: ServiceName; exitMs: number; code: number | null }[];
  events: string[];
}

/**
 * Kills the exchange's services with SIGKILL at random moments and starts them again, and
 * restarts RabbitMQ and PostgreSQL on request — the faults the messaging rules must survive.
 */
export class ChaosMonkey {
  readonly log: ChaosLog = { kills: { identity: 0, intake: 0, signing: 0, routing: 0, archival: 0, metrics: 0, gateway: 0 }, brokerRestarts: 0, databaseRestarts: 0, gracefulStops: [], events: [] };
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly started = Date.now();

  constructor(
    private readonly exchange: TestExchange,
    private readonly random: () => number,
  ) {}

  private note(event: string): void {
    this.log.events.push(`${((Date.now() - this.started) / 1000).toFixed(1)}s ${event}`);
  }

  /** Every 2-6 s a service dies; each of the six before any twice. */
  startKilling(): void {
    this.loop = (async () => {
      let round: ServiceName[] = [];
      while (!this.stopped) {
        await sleep(2000 + this.random() * 4000);
        if (this.stopped) break;
        if (round.length === 0) round = [...SERVICE_NAMES].sort(() => this.random() - 0.5);
        await this.kill(round.pop()!);
      }
    })();
  }

  async kill(service: ServiceName): Promise<void> {
    await this.exchange.stopService(service, 'SIGKILL');
    this.log.kills[service]++;
    this.note(`SIGKILL ${service}`);
    await sleep(300 + this.random() * 1500);
    this.exchange.startService(service);
  }

  /** SIGTERM: the service must finish or hand back what it holds and exit within 10 s. */
  async gracefulStop(service: ServiceName): Promise<number> {
    const started = Date.now();
    const code = await this.exchange.stopService(service, 'SIGTERM');
    const exitMs = Date.now() - started;
    this.log.gracefulStops.push({ service, exitMs, code });
    this.note(`SIGTERM ${service}: exited ${code} after ${exitMs} ms`);
    this.exchange.startService(service);
    return exitMs;
  }

  async restartBroker(downMs = 4000): Promise<void> {
    this.note('rabbitmqctl stop_app');
    await run('rabbitmqctl', ['stop_app']);
    await sleep(downMs);
    await run('rabbitmqctl', ['start_app']);
    await run('rabbitmqctl', ['await_startup']);
    this.log.brokerRestarts++;
    this.note('rabbitmqctl start_app');
  }

  async restartDatabase(): Promise<void> {
    const version = readdirSync('/etc/postgresql')[0];
    this.note('pg_ctlcluster restart');
    await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart', '--', '-m', 'fast']);
    this.log.databaseRestarts++;
    this.note('PostgreSQL back');
  }

  /** Resolves once every service has been killed at least once (the killing goes on meanwhile). */
  async untilEachKilled(): Promise<void> {
    while (!Object.values(this.log.kills).every((n) => n >= 1)) {
      this.exchange.assertAlive();
      await sleep(500);
    }
  }

  /** Stops the killing and restarts nothing: for a test that failed and is being torn down. */
  async halt(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** Stops the killing and makes sure every service runs again. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    for (const service of SERVICE_NAMES) if (!this.exchange.processes.has(service)) this.exchange.startService(service);
    await Promise.all(SERVICE_NAMES.map((service) => this.exchange.waitReady(service, 120_000)));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { timestampFromDate } from '@edoc/contracts';
import { Database } from '@edoc/db';
import { Directory } from '@edoc/directory';
import { DEFAULT_MAX_PACKAGE_BYTES } from '@edoc/edxml';
import { EventOutbox, OBJECT_STORE, PeriodicTask, ServiceReadiness } from '@edoc/runtime';
import type { ObjectStore } from '@edoc/storage';
import { type AxisMessage, AxisClient, AxisTooLargeError } from '../axis/axis-client';
import { AxisConfig } from '../axis/axis-config';
import { IncomingRepository } from '../repositories/incoming.repository';
import { GatewayMetrics } from './gateway-metrics';

/** A status message is a few hundred bytes; anything near this is not one. */
export const MAX_STATUS_BYTES = 64 * 1024;

/**
 * Takes from the axis what it holds for the units of this exchange, in its order: each message is
 * recorded and passed to intake (a package by claim check, a status message inline) in one
 * transaction, and only then marked done at the axis. A message taken before is only marked done
 * again; the same bytes under a new id are recorded as a duplicate and not passed on.
 */
@Injectable()
export class AxisPollerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AxisPollerService.name);
  private readonly task: PeriodicTask;

  constructor(
    private readonly db: Database,
    private readonly axis: AxisClient,
    private readonly incoming: IncomingRepository,
    private readonly events: EventOutbox,
    private readonly directory: Directory,
    private readonly metrics: GatewayMetrics,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    config: AxisConfig,
    readiness: ServiceReadiness,
  ) {
    this.task = new PeriodicTask('polling the axis', config.pollMs, () => this.poll(), readiness, this.logger);
  }

  onApplicationBootstrap(): void {
    if (this.axis.configured) this.task.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /**
   * One pass; returns how many messages it took. One gateway instance polls at a time: two would
   * each download the same packages (up to 20 MB apiece) for one of them to find it taken. Each
   * message is recorded in a transaction of its own while the lock is held.
   */
  async poll(): Promise<number> {
    // Undefined: another instance is polling.
    return (await this.db.ifLockFree(['edoc.gateway.poll'], () => this.takeWaiting())) ?? 0;
  }

  private async takeWaiting(): Promise<number> {
    const organs = this.directory.list().filter((o) => o.channel !== 'axis').map((o) => o.code);
    let messages: AxisMessage[];
    try {
      messages = await this.axis.received(organs);
    } catch (error) {
      this.metrics.pollFailures.inc();
      throw error;
    }
    for (const message of messages) await this.take(message);
    return messages.length;
  }

  private async take(message: AxisMessage): Promise<void> {
    if (await this.incoming.seen(message.id)) {
      await this.axis.done(message.id);
      return;
    }
    const limit = message.kind === 'package' ? DEFAULT_MAX_PACKAGE_BYTES : MAX_STATUS_BYTES;
    let bytes: Buffer;
    try {
      bytes = await this.axis.fetch(message.id, limit);
    } catch (error) {
      if (!(error instanceof AxisTooLargeError)) throw error;
      await this.refuse(message, { sha256: '', size: -1 }, `${message.kind} ${message.id} refused: ${error.message}`);
      return;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length === 0) {
      await this.refuse(message, { sha256, size: 0 }, `${message.kind} ${message.id} refused: it is empty`);
      return;
    }
    const receivedAt = timestampFromDate(new Date());
    // Stored before the record: should the transaction fail, the next poll stores the same key again.
    const stored = message.kind === 'package' ? await this.store.put(bytes) : undefined;
    const outcome = await this.db.transaction(async (tx) => {
      const recorded = await this.incoming.recordPassed(tx, { remoteId: message.id, kind: message.kind, sha256, size: bytes.length });
      if (recorded !== 'passed') return recorded;
      if (stored !== undefined) {
        await this.events.emit(tx, 'edxmlPackageReceived', {
          package: { objectKey: stored.key, sha256, size: BigInt(bytes.length), mediaType: 'application/xml', fileName: `${message.id}.edxml` },
          remoteId: message.id,
          receivedAt,
        });
      } else {
        await this.events.emit(tx, 'edxmlStatusReceived', { statusXml: bytes.toString('utf8'), remoteId: message.id, receivedAt });
      }
      return recorded;
    });
    if (outcome !== 'seen') this.metrics.received.inc({ kind: message.kind, outcome });
    this.logger.log(`${message.kind} ${message.id} from the axis (${bytes.length} bytes): ${outcome === 'passed' ? 'passed to intake' : outcome === 'duplicate' ? 'the same bytes came before under another id; not passed on again' : 'taken before'}`);
    await this.axis.done(message.id);
  }

  /** Recorded with its reason and marked done: it would be refused again at every poll. */
  private async refuse(message: AxisMessage, facts: { sha256: string; size: number }, reason: string): Promise<void> {
    if (await this.incoming.recordRefused({ remoteId: message.id, kind: message.kind, ...facts, reason })) {
      this.metrics.received.inc({ kind: message.kind, outcome: 'refused' });
      this.logger.warn(reason);
    }
    await this.axis.done(message.id);
  }
}

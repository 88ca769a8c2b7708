import 'reflect-metadata';
import { INestApplication, Logger, Type } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { envInt, loadConfig } from '@edoc/config';
import type { NestMicroservice } from '@nestjs/microservices';
import { EdocExceptionFilter, EdocTransport, vhostOf } from '@edoc/messaging';
import { hardenHttp } from './http/harden-http';
import { serveOpenApi } from './open-api';
import { OutageFilter } from './outage.filter';
import { PrometheusRegistry } from './prometheus';
import { ServiceReadiness } from './readiness';
import { GracefulStop } from './graceful-stop';
import { consumedQueues, orderedQueuesOf } from './message-contract';
import { RefusalRecorder } from './refusal-recorder';
import { DeadLetterDesk } from './dead-letters/dead-letter-desk';
import { transportContract } from './transport-contract';
import { SERVICE_OPTIONS, ServiceOptions } from './service-options';
import { refuseDemoSecrets } from './production';

/**
 * Starts one service: HTTP at once (so probes answer), the database and broker in the
 * background with retries, and consumers once the schema is migrated.
 */
export async function bootstrapService(rootModule: Type<unknown>): Promise<INestApplication> {
  const app = await NestFactory.create(rootModule, { bufferLogs: false });
  const options = app.get<ServiceOptions>(SERVICE_OPTIONS);
  const config = loadConfig();
  const logger = new Logger(options.name);
  // Before anything listens or connects: a production install on demo secrets must not run at all.
  refuseDemoSecrets(config, options.name);
  // Nest's default after a clean stop is to raise the signal again: a clean stop then ends "killed by
  // SIGTERM" (exit code null) like an abrupt one. Exit 0 once the shutdown hooks are done instead.
  app.enableShutdownHooks([], { useProcessExit: true });
  hardenHttp(app, logger);
  const { httpAdapter } = app.get(HttpAdapterHost);
  app.useGlobalFilters(new OutageFilter(httpAdapter));
  if (options.openApi !== undefined) serveOpenApi(app, options.openApi);
  const port = envInt('EDOC_PORT', options.defaultPort);
  await app.listen(port, process.env.EDOC_HOST ?? '127.0.0.1');
  logger.log(`HTTP on port ${port}`);

  const readiness = app.get(ServiceReadiness);
  // Told to stop while waiting for the database or the broker: nothing to consume with.
  if (!(await readiness.start())) return app;
  const queues = consumedQueues(options.name);
  if (queues.length > 0) {
    const refusals = app.get(RefusalRecorder);
    const transport = new EdocTransport({
      connection: readiness.broker(),
      queues,
      contract: transportContract(options.name, vhostOf(config.amqpUrl)),
      onRefused: (refusal) => refusals.onRefused(refusal),
      prefetch: config.prefetch,
      prefetchByQueue: Object.fromEntries(orderedQueuesOf(options.name).map((q) => [q, 1])),
      deliveryLimit: config.deliveryLimit,
      serviceName: options.name,
      shutdownTimeoutMs: 5000,
    });
    app.get(PrometheusRegistry).instrumentTransport(transport);
    app.get(DeadLetterDesk).attach(transport);
    app.get(GracefulStop).drainOnStop('messages', async () => {
      await transport.close();
      // close() waits 5 s at most: the messages of handlers still running go back to the broker, and
      // the inbox absorbs the effect should one of those handlers commit it after all.
      if (transport.activeDeliveries > 0) logger.warn(`${transport.activeDeliveries} handler(s) not done when the transport stopped waiting: their messages return to the broker`);
    });
    const consumer = app.connectMicroservice({ strategy: transport }, { inheritAppConfig: false, deferInitialization: true }) as unknown as NestMicroservice;
    // Keeps a handler's own error as the dead-letter reason (Nest would say "Internal server error").
    // The filter must be in place before the handlers are bound, hence the deferred initialisation;
    // then bind them as connectMicroservice would, without running the modules' init hooks twice.
    consumer.useGlobalFilters(new EdocExceptionFilter());
    consumer.registerListeners();
    consumer.setIsInitialized(true);
    consumer.setIsInitHookCalled(true);
    await app.startAllMicroservices();
    logger.log(`consuming ${queues.join(', ')}`);
  }
  return app;
}

/** The main() of a service: bootstrap, and exit non-zero with the reason when that fails. */
export function runService(rootModule: Type<unknown>): void {
  bootstrapService(rootModule).catch((error: Error) => {
    new Logger('bootstrap').error(error.message, error.stack);
    process.exit(1);
  });
}

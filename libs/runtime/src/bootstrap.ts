import 'reflect-metadata';
import { INestApplication, Logger, Type } from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { envInt, loadConfig } from '@edoc/config';
import type { NestMicroservice } from '@nestjs/microservices';
import { EdocExceptionFilter, EdocTransport } from '@edoc/messaging';
import { serveOpenApi } from './open-api';
import { OutageFilter } from './outage.filter';
import { PrometheusRegistry } from './prometheus';
import { ServiceReadiness } from './readiness';
import { withUrgentTwins } from './topology';
import { SERVICE_OPTIONS, ServiceOptions } from './service-options';

/**
 * Starts one service: HTTP at once (so probes answer), the database and broker in the
 * background with retries, and consumers once the schema is migrated.
 */
export async function bootstrapService(rootModule: Type<unknown>): Promise<INestApplication> {
  const app = await NestFactory.create(rootModule, { bufferLogs: false });
  const options = app.get<ServiceOptions>(SERVICE_OPTIONS);
  const config = loadConfig();
  const logger = new Logger(options.name);
  app.enableShutdownHooks();
  const { httpAdapter } = app.get(HttpAdapterHost);
  app.useGlobalFilters(new OutageFilter(httpAdapter));
  if (options.openApi !== undefined) serveOpenApi(app, options.openApi);
  const port = envInt('EDOC_PORT', options.defaultPort);
  await app.listen(port, process.env.EDOC_HOST ?? '127.0.0.1');
  logger.log(`HTTP on port ${port}`);

  const readiness = app.get(ServiceReadiness);
  await readiness.start();
  if (options.queues.length > 0) {
    const transport = new EdocTransport({ connection: readiness.broker(), queues: withUrgentTwins(options.queues), prefetch: config.prefetch, prefetchByQueue: Object.fromEntries((options.orderedQueues ?? []).map((q) => [q, 1])), deliveryLimit: config.deliveryLimit, serviceName: options.name, shutdownTimeoutMs: 5000 });
    app.get(PrometheusRegistry).instrumentTransport(transport);
    const consumer = app.connectMicroservice({ strategy: transport }, { inheritAppConfig: false, deferInitialization: true }) as unknown as NestMicroservice;
    // Keeps a handler's own error as the dead-letter reason (Nest would say "Internal server error").
    // The filter must be in place before the handlers are bound, hence the deferred initialisation;
    // then bind them as connectMicroservice would, without running the modules' init hooks twice.
    consumer.useGlobalFilters(new EdocExceptionFilter());
    consumer.registerListeners();
    consumer.setIsInitialized(true);
    consumer.setIsInitHookCalled(true);
    await app.startAllMicroservices();
    logger.log(`consuming ${withUrgentTwins(options.queues).join(', ')}`);
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

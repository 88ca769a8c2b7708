import type { INestApplication } from '@nestjs/common';
import { publicOrigins } from '@edoc/config';
import { CSRF_HEADER } from '@edoc/identity';

/**
 * The web app is served by one service and calls the others' APIs with the session cookie: each
 * service answers such calls from the edoc origins only (EDOC_PUBLIC_ORIGINS), never from another
 * site. Unsafe methods still need the CSRF header, which only a page of ours can read.
 */
export function allowEdocOrigins(app: INestApplication): void {
  const origins = new Set(publicOrigins());
  app.enableCors({
    origin: (origin: string | undefined, done: (error: Error | null, allow?: boolean) => void) => done(null, origin !== undefined && origins.has(origin)),
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['content-type', CSRF_HEADER, 'idempotency-key', 'authorization'],
    exposedHeaders: ['retry-after', 'content-disposition'],
    maxAge: 600,
  });
}

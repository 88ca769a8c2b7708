import { resolve } from 'node:path';

/**
 * SQL of the outbox and inbox tables, for `runMigrations(db, { schema, directories: [messagingMigrationsDir, …] })`.
 * Resolved from this file, so it is the same folder from src/ (tests) and dist/ (running services).
 */
export const messagingMigrationsDir = resolve(__dirname, '..', 'migrations');

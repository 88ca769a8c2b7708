import { resolve } from 'node:path';

/** SQL every service applies to its own schema beside its own migrations (the revocation tables). Same folder from src/ and dist/. */
export const runtimeMigrationsDir = resolve(__dirname, '..', '..', 'migrations');

export * from './revocation-store';
export * from './revocations.handler';
export * from './runtime-migrations-dir';

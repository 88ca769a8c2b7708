export * from './queryable';
export * from './database';
export * from './notification-listener';
export * from './migrations';
export * from './wait-for-database';
export { assertPostgresUrl, withDatabase, databaseName } from './connection-url';
export { sqlState, isRetryableTransactionError } from './pg-errors';
export { GroupCommit } from './group-commit';
export { coalesceWrites } from './coalesced-writes';

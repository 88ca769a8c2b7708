export * from './test-database';
export * from './test-vhost';
export * from './wait-for';
export * from './s3-server';

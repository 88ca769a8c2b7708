export * from './env';
export * from './edoc-config';
export * from './deployment-mode';
export * from './public-origins';

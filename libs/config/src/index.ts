export * from './env';
export * from './edoc-config';

export * from './identity-client';
export * from './token-source';

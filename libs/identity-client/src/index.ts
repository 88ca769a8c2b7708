export * from './identity-client';
export * from './token-source';
export * from './demo-password';
export * from './identity-address';

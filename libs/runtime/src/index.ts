export * from './service-options';
export * from './runtime.module';
export * from './readiness';
export * from './bootstrap';
export * from './auth-key';
export * from './events';
export * from './topology';
export * from './prometheus';

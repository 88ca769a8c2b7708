export * from './gauge-samples';
export * from './queue-stats';
export * from './prometheus-registry';
export * from './prometheus.controller';
export * from './prometheus.module';

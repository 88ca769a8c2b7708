// One jest run, three kinds of test:
//   unit         *.spec.ts      fakes behind repository interfaces, no network
//   integration  *.int-spec.ts  a library or service against the real RabbitMQ, PostgreSQL and an S3 server
//   e2e          test/**/*.e2e-spec.ts  the whole exchange, services as separate processes
//   chaos        test/chaos/*.chaos-spec.ts  faults injected into the whole exchange; alone
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, target: 'es2022', keepClassNames: true }, module: { type: 'commonjs' } }];
const common = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@edoc/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};
module.exports = {
  testTimeout: 60_000,
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services}/*/test/**/*.spec.ts', '<rootDir>/cli/test/**/*.spec.ts', '<rootDir>/test/deploy/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{libs,services}/*/test/**/*.int-spec.ts', '<rootDir>/cli/test/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    // Restarts RabbitMQ and PostgreSQL: run alone, after the rest (npm test does), never beside other tests.
    { ...common, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'] },
  ],
};

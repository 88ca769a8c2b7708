// One jest run, three kinds of test:
//   unit         *.spec.ts      fakes behind repository interfaces, no network
//   integration  *.int-spec.ts  a library or service against the real RabbitMQ, PostgreSQL and an S3 server
//   e2e          test/**/*.e2e-spec.ts  the whole exchange, services as separate processes
//   chaos        test/chaos/*.chaos-spec.ts  faults injected into the whole exchange; alone
// SoftHSM2 reads SOFTHSM2_CONF once, from the real environment of the process that loads it: set
// here, in jest's main process, so that every worker (and every service a test starts) finds the
// test tokens folder and never the machine's. Tests make tokens of their own in it (libs/testing softhsm).
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { tmpdir } = require('node:os');
if (process.env.SOFTHSM2_CONF === undefined) {
  const softhsm = join(tmpdir(), `edoc-softhsm-${process.getuid?.() ?? 'user'}`);
  mkdirSync(join(softhsm, 'tokens'), { recursive: true });
  writeFileSync(join(softhsm, 'softhsm2.conf'), `directories.tokendir = ${join(softhsm, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env.SOFTHSM2_CONF = join(softhsm, 'softhsm2.conf');
}

// Every Database of the tests, and of the services the e2e and chaos suites start (they inherit this
// environment), fails code that asks its pool for a second connection from inside a transaction: a
// deadlock under load that a single request never shows (libs/db Database). Off in production, for its cost.
process.env.EDOC_DB_SCOPE_CHECKS ??= '1';

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
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{libs,services}/*/test/**/*.spec.ts', '<rootDir>/cli/test/**/*.spec.ts', '<rootDir>/test/deploy/**/*.spec.ts', '<rootDir>/test/support/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{libs,services}/*/test/**/*.int-spec.ts', '<rootDir>/cli/test/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeout.ts'] },
    // Restarts RabbitMQ and PostgreSQL: run alone, after the rest (npm test does), never beside other tests.
    { ...common, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'] },
  ],
};

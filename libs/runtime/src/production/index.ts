export { demoSecretProblems, type SecretFacts } from './default-secrets';
export { pkiDirOf, readSecretFacts } from './secret-facts';
export { DemoSecretsError, refuseDemoSecrets } from './refuse-demo-secrets';

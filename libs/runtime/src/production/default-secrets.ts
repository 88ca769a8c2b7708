/** What a service is about to use, as far as secrets go: read by secret-facts, judged here. */
export interface SecretFacts {
  databaseUrl: string;
  /** The service's own broker user, when it has one (the CLI's tools have none). */
  broker?: { username: string; password: string };
  s3?: { accessKey: string; secretKey: string };
  /** The PKI folder the service reads keys and certificates from, when there is one. */
  pki?: { dir: string; rootCommonName?: string; rootKeyFile?: string; sharedKeyFiles?: string[] };
}

/**
 * Accounts every installer knows: the images' and packages' defaults, and the ones of our own
 * docker-compose.yml. A production install that still uses one is an open door.
 */
const DEFAULT_ACCOUNTS: ReadonlyArray<readonly [string, string]> = [
  ['guest', 'guest'],
  ['edoc', 'edoc'],
  ['postgres', 'postgres'],
  ['admin', 'admin'],
  ['root', 'root'],
  ['minioadmin', 'minioadmin'],
  ['edoc', 'edoc-minio-secret'],
];

const isDefault = (user: string, password: string) => DEFAULT_ACCOUNTS.some(([u, p]) => u === user && p === password);

/** The marker demo provisioning puts in the names of the certificates it makes ("… - Root CA (demo)"). */
const DEMO_MARK = '(demo)';

/** Why these secrets are not fit for production, each with what to set instead (empty: fit). */
export function demoSecretProblems(facts: SecretFacts): string[] {
  const problems: string[] = [];
  problems.push(...databaseProblems(facts.databaseUrl));
  if (facts.broker !== undefined) {
    if (facts.broker.username === 'guest' || isDefault(facts.broker.username, facts.broker.password)) {
      problems.push(`the broker user ${facts.broker.username} has a default password: set EDOC_BROKER_USER and EDOC_BROKER_PASSWORD to the user \`edoc provision\` made for this service`);
    }
  }
  if (facts.s3 !== undefined && isDefault(facts.s3.accessKey, facts.s3.secretKey)) {
    problems.push(`EDOC_S3_ACCESS_KEY and EDOC_S3_SECRET_KEY are a default account (${facts.s3.accessKey}): give edoc an access key of its own in the object store`);
  }
  if (facts.pki !== undefined) {
    if (facts.pki.rootCommonName?.includes(DEMO_MARK) === true) {
      problems.push(`the PKI in ${facts.pki.dir} is the demo PKI ("${facts.pki.rootCommonName}"): set EDOC_PKI_DIR to the district's own keys and certificates`);
    }
    if (facts.pki.rootKeyFile !== undefined) {
      problems.push(`${facts.pki.rootKeyFile} is the root CA's private key, where services read: keep it offline (it only signs the issuing CA) and leave the certificate`);
    }
    const shared = facts.pki.sharedKeyFiles ?? [];
    if (shared.length > 0) {
      const named = shared.slice(0, 3).join(', ') + (shared.length > 3 ? ` and ${shared.length - 3} more` : '');
      problems.push(
        `${shared.length} private key${shared.length === 1 ? '' : 's'} in ${facts.pki.dir}, the folder every service reads (${named}): ` +
          'each belongs in the secrets folder of the services that use it (`edoc pki deploy` puts them there; <data dir>/secrets/<service>/keys, or EDOC_SECRETS_DIR)',
      );
    }
  }
  return problems;
}

function databaseProblems(databaseUrl: string): string[] {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return ['EDOC_DATABASE_URL is not a URL (postgres://user:password@host:5432/edoc)'];
  }
  const user = decodeURIComponent(url.username) || 'postgres';
  const password = decodeURIComponent(url.password);
  // Over a Unix socket the server can check who the process runs as (peer authentication): no password needed.
  const socket = url.hostname === '' && (url.searchParams.get('host') ?? '').startsWith('/');
  if (password === '' && !socket) return [`EDOC_DATABASE_URL connects as ${user} without a password: give the service a database user with a password of its own`];
  if (isDefault(user, password)) return [`EDOC_DATABASE_URL uses a default account (${user}, with its well-known password): give the service a database user with a password of its own`];
  return [];
}

import { resolve } from 'node:path';
import { env, envInt } from './env';

/** Where the S3 backend is, when one is configured. */
export interface S3Settings {
  endpoint: string;
  port?: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  region: string;
}

/** Settings every service and the CLI share, read from EDOC_* environment variables. */
export interface EdocConfig {
  databaseUrl: string;
  amqpUrl: string;
  /** RabbitMQ management API, used only by provisioning and the dead-letter tools. */
  rabbitManagementUrl: string;
  /** Folder for filesystem storage, keys and certificates of the local stack. */
  dataDir: string;
  /** Unset means the filesystem backend. */
  s3?: S3Settings;
  filesBucket: string;
  archiveBucket: string;
  /** Largest file intake accepts (EDOC_MAX_FILE_BYTES, default 500 MiB); every service streams files, so memory does not grow with it. */
  maxFileBytes: number;
  /** Where intake stages uploads (streamed to disk, hashed) until they are checked and stored. */
  uploadDir: string;
  directoryFile: string;
  /** Users and their roles (the demo seed by default). */
  usersFile: string;
  /** Attempts before a message that keeps failing is dead-lettered. */
  deliveryLimit: number;
  prefetch: number;
  /** Root CAs whose signers' signatures verify besides the district's own: PEM files or folders of them, separated by commas. */
  trustedRoots: string[];
  /**
   * Deadline in ms of each online revocation fetch, when a signature's revocation data was neither given nor embedded (EDOC_REVOCATION_FETCH_TIMEOUT_MS, 5000; 0 verifies offline only).
   * The CRL distribution points and OCSP responders fetched are those a trusted certificate names.
   */
  revocationFetchTimeoutMs: number;
}

const projectRoot = resolve(__dirname, '..', '..', '..');

export function loadConfig(): EdocConfig {
  const s3Endpoint = env('EDOC_S3_ENDPOINT');
  return {
    databaseUrl: env('EDOC_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/edoc'),
    amqpUrl: env('EDOC_AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672'),
    rabbitManagementUrl: env('EDOC_RABBITMQ_MANAGEMENT_URL', 'http://guest:guest@127.0.0.1:15672'),
    dataDir: resolve(env('EDOC_DATA_DIR', resolve(projectRoot, 'var'))),
    s3: s3Endpoint === undefined ? undefined : parseS3(s3Endpoint),
    filesBucket: env('EDOC_FILES_BUCKET', 'edoc-files'),
    archiveBucket: env('EDOC_ARCHIVE_BUCKET', 'edoc-archive'),
    maxFileBytes: envInt('EDOC_MAX_FILE_BYTES', 500 * 1024 * 1024),
    uploadDir: resolve(env('EDOC_UPLOAD_DIR', resolve(env('EDOC_DATA_DIR', resolve(projectRoot, 'var')), 'tmp', 'uploads'))),
    directoryFile: resolve(env('EDOC_DIRECTORY_FILE', resolve(projectRoot, 'deploy/seed/demo-district.json'))),
    usersFile: resolve(env('EDOC_USERS_FILE', resolve(projectRoot, 'deploy/seed/demo-users.json'))),
    deliveryLimit: envInt('EDOC_DELIVERY_LIMIT', 5),
    prefetch: envInt('EDOC_PREFETCH', 16),
    trustedRoots: (env('EDOC_TRUSTED_ROOTS') ?? '')
      .split(',')
      .map((path) => path.trim())
      .filter((path) => path !== '')
      .map((path) => resolve(path)),
    revocationFetchTimeoutMs: envInt('EDOC_REVOCATION_FETCH_TIMEOUT_MS', 5_000),
  };
}

function parseS3(endpoint: string): S3Settings {
  const url = new URL(endpoint.includes('://') ? endpoint : `http://${endpoint}`);
  const accessKey = env('EDOC_S3_ACCESS_KEY');
  const secretKey = env('EDOC_S3_SECRET_KEY');
  if (accessKey === undefined || secretKey === undefined) {
    throw new Error('EDOC_S3_ENDPOINT is set: EDOC_S3_ACCESS_KEY and EDOC_S3_SECRET_KEY are required too');
  }
  return {
    endpoint: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    useSSL: url.protocol === 'https:',
    accessKey,
    secretKey,
    region: env('EDOC_S3_REGION', 'us-east-1'),
  };
}

/** A URL with its password replaced, for logs: secrets never appear there. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable url>';
  }
}

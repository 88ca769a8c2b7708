import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import type { EdocConfig } from '@edoc/config';
import { brokerCredentialOf } from '../broker-credentials';
import type { SecretFacts } from './default-secrets';

/** Where the services find keys and certificates (EDOC_PKI_DIR, else <data dir>/pki as `edoc provision` lays it out). */
export function pkiDirOf(config: Pick<EdocConfig, 'dataDir'>, env: NodeJS.ProcessEnv = process.env): string {
  return env.EDOC_PKI_DIR !== undefined && env.EDOC_PKI_DIR !== '' ? env.EDOC_PKI_DIR : join(config.dataDir, 'pki');
}

/** Reads what `service` is about to use: its database URL, broker user, object store keys and PKI folder. */
export function readSecretFacts(config: EdocConfig, service: string, env: NodeJS.ProcessEnv = process.env): SecretFacts {
  const broker = brokerCredentialOf(config, service, env);
  const dir = pkiDirOf(config, env);
  return {
    databaseUrl: config.databaseUrl,
    ...(broker === undefined ? {} : { broker }),
    ...(config.s3 === undefined ? {} : { s3: { accessKey: config.s3.accessKey, secretKey: config.s3.secretKey } }),
    ...(existsSync(dir) ? { pki: pkiFacts(dir) } : {}),
  };
}

function pkiFacts(dir: string): NonNullable<SecretFacts['pki']> {
  const certFile = join(dir, 'root-ca.cert.pem');
  const keyFile = join(dir, 'root-ca.key.pem');
  let rootCommonName: string | undefined;
  if (existsSync(certFile)) {
    try {
      rootCommonName = /^CN=(.*)$/m.exec(new X509Certificate(readFileSync(certFile)).subject)?.[1];
    } catch (error) {
      throw new Error(`${certFile} is not a certificate: ${(error as Error).message}`);
    }
  }
  const sharedKeyFiles = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.key.pem'))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => file !== keyFile)
    .sort();
  return {
    dir,
    ...(rootCommonName === undefined ? {} : { rootCommonName }),
    ...(existsSync(keyFile) ? { rootKeyFile: keyFile } : {}),
    ...(sharedKeyFiles.length === 0 ? {} : { sharedKeyFiles }),
  };
}

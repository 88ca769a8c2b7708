import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadTrust, type AuditTrust } from '@edoc/audit';
import { env, loadConfig } from '@edoc/config';
import type { ApiOptions } from '../../http/api-client';
import { withAuthOptions } from '../api-options';

/** The archival service's HTTP API: --url defaults to $EDOC_ARCHIVE_URL or the port `edoc up` gives it. */
export function withArchivalApiOptions(command: Command): Command {
  return withAuthOptions(command.option('--url <url>', 'archival HTTP API (default $EDOC_ARCHIVE_URL or http://127.0.0.1:3003)'));
}

export function archivalApi(options: ApiOptions): ApiOptions {
  return { ...options, url: options.url ?? env('EDOC_ARCHIVE_URL', 'http://127.0.0.1:3003') };
}

export interface TrustOptions {
  ca: string[];
  archiveCert: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** --ca and --archive-cert: what the verifier trusts, from outside what it verifies. */
export function withTrustOptions(command: Command): Command {
  return command
    .option('--ca <file>', 'root CA certificate (PEM) to trust; repeatable (default: the root CA of the local PKI)', collect, [])
    .option('--archive-cert <file>', "the archive's signing certificate (PEM) to trust; repeatable (default: the local PKI's)", collect, []);
}

/** The given files, or the local PKI's root CA and archive certificate when none are given. */
export function resolveTrust(options: TrustOptions): AuditTrust {
  const pki = env('EDOC_PKI_DIR', join(loadConfig().dataDir, 'pki'));
  const fallback = (name: string) => (existsSync(join(pki, name)) ? [join(pki, name)] : []);
  return loadTrust({
    anchors: options.ca.length > 0 ? options.ca : fallback('root-ca.cert.pem'),
    archiveCertificates: options.archiveCert.length > 0 ? options.archiveCert : fallback('archive.cert.pem'),
  });
}

import { readTrustedRoots, type TrustedRoot } from '@edoc/pki';
import { pkiDirOf, secretsDirOf } from '@edoc/runtime';
import { env, envInt, type EdocConfig } from '@edoc/config';

/** How long a class of documents is kept: a number of years, or for ever. */
export type RetentionPeriod = { years: number } | 'permanent';

export interface ArchivalSettings {
  /** Default retention of documents that are not legal normative (EDOC_RETENTION_YEARS, 10). */
  defaultRetentionYears: number;
  /** Retention per document type code (EDOC_RETENTION_BY_TYPE="QĐ=permanent,BC=20"). */
  retentionByType: ReadonlyMap<string, RetentionPeriod>;
  /** A checkpoint is signed once this many entries are not yet covered (EDOC_AUDIT_CHECKPOINT_ENTRIES, 100)... */
  checkpointEntries: number;
  /** ...or once the oldest uncovered entry is this old (EDOC_AUDIT_CHECKPOINT_MINUTES, 10). */
  checkpointIntervalMs: number;
  /** Certificates and CRLs written by provisioning (EDOC_PKI_DIR, <data dir>/pki). */
  pkiDir: string;
  /** Root CAs trusted besides the district's own (EDOC_TRUSTED_ROOTS: PEM files or folders of them, separated by commas), read and checked at start. */
  trustedRoots: TrustedRoot[];
  /** archival's own secrets: the archive's and the TSA's keys under keys/ (EDOC_SECRETS_DIR, <data dir>/secrets/archival). */
  secretsDir: string;
  /** An RFC 3161 service for the checkpoints' time-stamps and the archive's renewals (EDOC_TSA_URL); unset: the local TSA key. */
  tsaUrl?: string;
  /** An archived document is time-stamped again once its newest time-stamp's TSA certificate expires within this many days (EDOC_ARCHIVE_RENEW_BEFORE_DAYS, 180). */
  renewBeforeDays: number;
  /** How often the archive looks for documents to time-stamp again (EDOC_ARCHIVE_RENEWAL_SECONDS, 3600). */
  renewalIntervalMs: number;
  /** Deadline of each online revocation fetch for the verification reports; unset or 0: offline. */
  revocationFetchTimeoutMs?: number;
}

export const ARCHIVAL_SETTINGS = Symbol('ARCHIVAL_SETTINGS');

export function loadArchivalSettings(config: EdocConfig): ArchivalSettings {
  const checkpointEntries = envInt('EDOC_AUDIT_CHECKPOINT_ENTRIES', 100);
  const minutes = envInt('EDOC_AUDIT_CHECKPOINT_MINUTES', 10);
  if (checkpointEntries < 1) throw new Error('EDOC_AUDIT_CHECKPOINT_ENTRIES must be at least 1');
  if (minutes < 1) throw new Error('EDOC_AUDIT_CHECKPOINT_MINUTES must be at least 1');
  const defaultRetentionYears = envInt('EDOC_RETENTION_YEARS', 10);
  if (defaultRetentionYears < 1) throw new Error('EDOC_RETENTION_YEARS must be at least 1: a shorter retention would leave nothing to lock');
  const renewBeforeDays = envInt('EDOC_ARCHIVE_RENEW_BEFORE_DAYS', 180);
  if (renewBeforeDays < 1) throw new Error('EDOC_ARCHIVE_RENEW_BEFORE_DAYS must be at least 1: a renewal on the day of expiry may come too late');
  const renewalSeconds = envInt('EDOC_ARCHIVE_RENEWAL_SECONDS', 3600);
  if (renewalSeconds < 1) throw new Error('EDOC_ARCHIVE_RENEWAL_SECONDS must be at least 1');
  return {
    defaultRetentionYears,
    renewBeforeDays,
    renewalIntervalMs: renewalSeconds * 1000,
    retentionByType: parseRetentionByType(env('EDOC_RETENTION_BY_TYPE', '')),
    checkpointEntries,
    checkpointIntervalMs: minutes * 60_000,
    pkiDir: pkiDirOf(config),
    trustedRoots: readTrustedRoots(config.trustedRoots),
    secretsDir: secretsDirOf(config, 'archival'),
    tsaUrl: env('EDOC_TSA_URL'),
    revocationFetchTimeoutMs: config.revocationFetchTimeoutMs,
  };
}

/** "QĐ=permanent,BC=20" → QĐ kept for ever, BC for 20 years. Anything else is a start-up error that names the item. */
export function parseRetentionByType(text: string): Map<string, RetentionPeriod> {
  const map = new Map<string, RetentionPeriod>();
  for (const item of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const match = /^([^=\s]+)\s*=\s*(permanent|\d+)$/.exec(item);
    if (match === null) throw new Error(`EDOC_RETENTION_BY_TYPE: "${item}" is not TYPE=YEARS or TYPE=permanent`);
    const years = Number(match[2]);
    if (match[2] !== 'permanent' && years < 1) throw new Error(`EDOC_RETENTION_BY_TYPE: "${item}" must keep documents at least 1 year`);
    map.set(match[1].normalize('NFC'), match[2] === 'permanent' ? 'permanent' : { years });
  }
  return map;
}

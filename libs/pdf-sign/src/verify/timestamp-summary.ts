import { formatName, type ParsedCertificate, type TstInfo } from '@edoc/pki';
import type { TimestampSummary } from './report-types';

/** The report's view of a time-stamp token, a signature's or a document's. */
export function timestampSummary(info: TstInfo | undefined, tsaCertificate: ParsedCertificate | undefined, valid: boolean): TimestampSummary | undefined {
  if (info === undefined) return undefined;
  return {
    genTime: info.genTime.toISOString(),
    tsa: tsaCertificate ? formatName(tsaCertificate.subject) : undefined,
    ...(tsaCertificate ? { tsaCertificateExpires: tsaCertificate.notAfter.toISOString() } : {}),
    serialHex: info.serialHex,
    valid,
  };
}

import type { SignatureReport, VerificationReport } from '@edoc/pdf-sign';
import { timestampHorizon } from '../src/domain/timestamp-horizon';

const stamped = (signedLength: number, expires: string | undefined, valid = true): SignatureReport => ({
  kind: 'document-timestamp',
  fieldName: `ts-${signedLength}`,
  signingTimeSource: 'timestamp',
  coversWholeFile: false,
  signedLength,
  timestamp: { genTime: '2026-12-04T00:00:00.000Z', valid, ...(expires === undefined ? {} : { tsaCertificateExpires: expires }) },
  indication: valid ? 'TOTAL_PASSED' : 'TOTAL_FAILED',
  checks: [],
});
const report = (...signatures: SignatureReport[]): VerificationReport => ({ signatures, valid: true, fileLength: 1000 });

describe('the horizon of an archived file: when its newest valid time-stamp stops proving anything', () => {
  test("is the newest time-stamp's TSA certificate expiry, whatever the order of the fields", () => {
    expect(timestampHorizon(report(stamped(900, '2031-01-01T00:00:00.000Z'), stamped(400, '2035-01-01T00:00:00.000Z')))).toEqual(new Date('2031-01-01T00:00:00.000Z'));
  });

  test('skips a time-stamp that does not validate: it proves nothing to renew', () => {
    expect(timestampHorizon(report(stamped(400, '2030-01-01T00:00:00.000Z'), stamped(900, '2040-01-01T00:00:00.000Z', false)))).toEqual(new Date('2030-01-01T00:00:00.000Z'));
  });

  test('is undefined for a file without a valid time-stamp', () => {
    expect(timestampHorizon(report())).toBeUndefined();
    expect(timestampHorizon(report(stamped(400, undefined)))).toBeUndefined();
  });
});

import { HttpTimestampClient, LocalTimestampAuthority, type SigningIdentity, type TimestampProvider, loadSigningIdentity } from '@edoc/pki';
import type { SignatureAppearance } from '@edoc/pdf-sign';
import { readBinary, readSecret, readText } from './secret-input';

export interface SignCliOptions {
  output: string;
  cert?: string;
  key?: string;
  chain?: string[];
  keyPassphraseEnv?: string;
  p12?: string;
  passwordEnv?: string;
  passwordFile?: string;
  appearance: 'person' | 'organisation' | 'attachment' | 'invisible';
  competence?: string;
  position?: string;
  name?: string;
  image?: string;
  seal?: string;
  sealSize?: number;
  number?: string;
  issuedDate?: string;
  orgName?: string;
  time?: string;
  page?: number;
  rect?: [number, number, number, number];
  reason?: string;
  location?: string;
  fieldName?: string;
  signingTime?: string;
  tsaUrl?: string;
  tsaCert?: string;
  tsaKey?: string;
  signatureSize?: number;
  json?: boolean;
}

export function identityFrom(o: SignCliOptions): SigningIdentity {
  if (o.p12) {
    if (o.cert || o.key) throw new Error('give either --p12 or --cert/--key, not both');
    const password = readSecret({ env: o.passwordEnv, file: o.passwordFile }, 'PKCS#12 password') ?? '';
    return loadSigningIdentity({ pkcs12: readBinary(o.p12, 'PKCS#12 file'), password });
  }
  if (!o.cert || !o.key) throw new Error('a signing key is required: --cert and --key (PEM), or --p12');
  return loadSigningIdentity({
    certificatePem: readText(o.cert, 'certificate'),
    privateKeyPem: readText(o.key, 'private key'),
    chainPem: (o.chain ?? []).map((c) => readText(c, 'chain certificate')),
    passphrase: readSecret({ env: o.keyPassphraseEnv }, 'key passphrase'),
  });
}

export function timestampFrom(o: SignCliOptions): TimestampProvider | undefined {
  if (o.tsaUrl && (o.tsaCert || o.tsaKey)) throw new Error('give either --tsa-url or --tsa-cert/--tsa-key, not both');
  if (o.tsaUrl) return new HttpTimestampClient(o.tsaUrl);
  if (o.tsaCert || o.tsaKey) {
    if (!o.tsaCert || !o.tsaKey) throw new Error('a local time-stamp authority needs both --tsa-cert and --tsa-key');
    return new LocalTimestampAuthority(loadSigningIdentity({ certificatePem: readText(o.tsaCert, 'TSA certificate'), privateKeyPem: readText(o.tsaKey, 'TSA private key') }));
  }
  return undefined;
}

export function appearanceFrom(o: SignCliOptions): SignatureAppearance {
  const placement = { page: o.page, rect: o.rect };
  const need = (value: string | undefined, flag: string): string => {
    if (!value) throw new Error(`--appearance ${o.appearance} needs ${flag}`);
    return value;
  };
  switch (o.appearance) {
    case 'invisible':
      return { kind: 'invisible' };
    case 'person':
      return { kind: 'person', competence: o.competence, position: need(o.position, '--position'), fullName: need(o.name, '--name'), image: o.image ? readBinary(o.image, 'signature image') : undefined, ...placement };
    case 'organisation':
      return {
        kind: 'organisation',
        seal: o.seal ? readBinary(o.seal, 'seal image') : undefined,
        sealSize: o.sealSize,
        numberNotation: need(o.number, '--number'),
        issuedDate: need(o.issuedDate, '--issued-date'),
        orgName: need(o.orgName, '--org-name'),
        ...placement,
      };
    case 'attachment':
      return { kind: 'attachment', numberNotation: need(o.number, '--number'), time: o.time ? parseTime(o.time, '--time') : new Date(), orgName: o.orgName, ...placement };
    default:
      throw new Error(`unknown appearance ${String(o.appearance)}`);
  }
}

export function parseTime(v: string, what: string): Date {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`${what}: "${v}" is not an ISO 8601 time`);
  return d;
}

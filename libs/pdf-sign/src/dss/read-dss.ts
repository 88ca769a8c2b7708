import { type ParsedCertificate, type ParsedCrl, parseCertificate, parseCrl } from '@edoc/pki';
import { decodeStream } from '../core/filters';
import type { PdfDocument } from '../core/pdf-document';
import { PdfStream } from '../core/pdf-objects';
import { PdfSignError } from '../errors';

/** What a document's security store (/DSS, ISO 32000-2 12.8.4.3) carries for offline validation. */
export interface DocumentSecurityStore {
  readonly certificates: ParsedCertificate[];
  readonly crls: ParsedCrl[];
  /** DER of each OCSP response (checked by whoever can read them). */
  readonly ocspResponses: Buffer[];
  /** Entries that could not be read, each with its reason: reported, never fatal. */
  readonly unreadable: string[];
}

export const EMPTY_DSS: DocumentSecurityStore = { certificates: [], crls: [], ocspResponses: [], unreadable: [] };

/** The certificates, CRLs and OCSP responses of the catalog's /DSS, decoded within the read budget. */
export function readDss(doc: PdfDocument): DocumentSecurityStore {
  const dss = doc.dict(doc.catalog().dict.get('DSS'));
  if (!dss) return EMPTY_DSS;
  const unreadable: string[] = [];
  const streams = (key: 'Certs' | 'CRLs' | 'OCSPs'): Buffer[] => {
    const list = doc.resolve(dss.get(key));
    if (list === undefined) return [];
    if (!Array.isArray(list)) {
      unreadable.push(`/DSS /${key} is not an array`);
      return [];
    }
    return list.flatMap((item, index) => {
      const stream = doc.resolve(item);
      if (!(stream instanceof PdfStream)) {
        unreadable.push(`/DSS /${key} entry ${index + 1} is not a stream`);
        return [];
      }
      try {
        return [decodeStream(stream, `/DSS /${key} entry ${index + 1}`, doc.limits)];
      } catch (e) {
        if (e instanceof PdfSignError && e.code === 'BUDGET_EXCEEDED') throw e;
        unreadable.push(`/DSS /${key} entry ${index + 1}: ${(e as Error).message}`);
        return [];
      }
    });
  };
  const parsed = <T>(key: string, items: Buffer[], parse: (der: Buffer) => T): T[] =>
    items.flatMap((der, index) => {
      try {
        return [parse(der)];
      } catch (e) {
        unreadable.push(`/DSS /${key} entry ${index + 1}: ${(e as Error).message}`);
        return [];
      }
    });
  return {
    certificates: parsed('Certs', streams('Certs'), parseCertificate),
    crls: parsed('CRLs', streams('CRLs'), parseCrl),
    ocspResponses: streams('OCSPs'),
    unreadable,
  };
}

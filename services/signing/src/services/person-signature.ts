import type { DocumentMetadata, Signer } from '@edoc/contracts';
import type { SignFileOptions } from '@edoc/pdf-sign';

/** The field, appearance and words of the competent person's signature, whoever holds the key. */
export function personSignatureOptions(metadata: DocumentMetadata, signer: Signer): Omit<SignFileOptions, 'identity' | 'timestamp'> {
  return {
    appearance: { kind: 'person', competence: signer.competence, position: signer.position, fullName: signer.fullName },
    reason: `Ký ban hành: ${metadata.subject.slice(0, 120)}`,
    location: metadata.place,
    fieldName: 'NguoiKy',
  };
}

import type { DocumentMetadata, Signer } from '@edoc/contracts';
import type { SignFileOptions } from '@edoc/pdf-sign';
import type { ChosenPlacement } from '../domain/chosen-placement';

/** The field, appearance and words of the competent person's signature, whoever holds the key. */
export function personSignatureOptions(metadata: DocumentMetadata, signer: Signer, placement?: ChosenPlacement): Omit<SignFileOptions, 'identity' | 'timestamp'> {
  // A place the signer chose (the document prints no block for the signature) takes the whole block there.
  const chosen = placement === undefined ? {} : { page: placement.page, rect: [placement.x, placement.y, placement.width, placement.height] as [number, number, number, number] };
  return {
    appearance: { kind: 'person', competence: signer.competence, position: signer.position, fullName: signer.fullName, ...chosen },
    reason: `Ký ban hành: ${metadata.subject.slice(0, 120)}`,
    location: metadata.place,
    fieldName: 'NguoiKy',
  };
}

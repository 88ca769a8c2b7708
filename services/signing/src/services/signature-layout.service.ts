import { Injectable } from '@nestjs/common';
import { type OrganisationAppearance, pageCount, type PersonAppearance } from '@edoc/pdf-sign';
import { type ChosenPlacement, placementProblems } from '../domain/chosen-placement';
import { findSignatureBlock, textRects } from '../domain/signature-block';
import { PageTextRepository } from '../repositories/page-text.repository';

/**
 * Where the signatures go on the document's last page, read from its own text: the person's in the
 * gap the document leaves above the signer's printed name (drawing only the signature there), and
 * the organisation's text block, when there is no seal image to lay over the signature, where it
 * covers no text. A page without a recognisable block keeps the default places.
 */
@Injectable()
export class SignatureLayoutService {
  constructor(private readonly pages: PageTextRepository) {}

  async person(pdfPath: string, appearance: PersonAppearance): Promise<PersonAppearance> {
    if (appearance.rect !== undefined) return appearance;
    const text = await this.pages.lastPage(pdfPath);
    if (text === undefined) return appearance;
    const block = findSignatureBlock(text.lines, appearance.fullName, text.height);
    return block === undefined ? appearance : { ...appearance, page: text.page, rect: block.signature, signatureOnly: true };
  }

  /** What is wrong with the place a signer chose on the draft: a page it does not have, outside the page, over text. */
  async chosenPlacementProblems(pdfPath: string, placement: ChosenPlacement): Promise<string[]> {
    const pages = pageCount(pdfPath);
    if (placement.page > pages) return [`placement.page: the document has ${pages} page${pages === 1 ? '' : 's'}`];
    const text = await this.pages.page(pdfPath, placement.page);
    return text === undefined ? [] : placementProblems(placement, text);
  }

  async organisation(pdfPath: string, appearance: OrganisationAppearance): Promise<OrganisationAppearance> {
    if (appearance.rect !== undefined || appearance.seal !== undefined) return appearance;
    const text = await this.pages.lastPage(pdfPath);
    return text === undefined ? appearance : { ...appearance, avoid: textRects(text.lines, text.height) };
  }
}

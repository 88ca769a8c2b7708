import { Injectable } from '@nestjs/common';
import { type OrganisationAppearance, pageCount, type PersonAppearance } from '@edoc/pdf-sign';
import { type ChosenPlacement, placementProblems } from '../domain/chosen-placement';
import { findSignatureBlock, textRects } from '../domain/signature-block';
import { type PageText, PageTextRepository } from '../repositories/page-text.repository';

const REMEMBERED_PAGES = 1_000;

/**
 * Where the signatures go on the document's last page, read from its own text: the person's in the
 * gap the document leaves above the signer's printed name (drawing only the signature there), and
 * the organisation's text block, when there is no seal image to lay over the signature, where it
 * covers no text. A page without a recognisable block keeps the default places.
 */
@Injectable()
export class SignatureLayoutService {
  /**
   * The last page's text of documents the person signed here, by the original file's SHA-256: the
   * organisation's signature goes on the same page of the same content (signing adds annotations,
   * never page text), so its layout needs no second reading. A document signed by another
   * instance, or after a restart, is read again.
   */
  private readonly lastPages = new Map<string, PageText>();

  constructor(private readonly pages: PageTextRepository) {}

  /** `original`: the SHA-256 of the document as submitted, under which the organisation's signature finds this page's text. */
  async person(pdfPath: string, appearance: PersonAppearance, original?: string): Promise<PersonAppearance> {
    if (appearance.rect !== undefined) return appearance;
    const text = await this.pages.lastPage(pdfPath);
    if (text === undefined) return appearance;
    if (original !== undefined) this.remember(original, text);
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

  /** `original`: the SHA-256 of the document as submitted (before the person's signature). */
  async organisation(pdfPath: string, appearance: OrganisationAppearance, original?: string): Promise<OrganisationAppearance> {
    if (appearance.rect !== undefined || appearance.seal !== undefined) return appearance;
    // Kept, not taken: documents with the same bytes (a circular sent twice) share one entry.
    const remembered = original === undefined ? undefined : this.lastPages.get(original);
    const text = remembered ?? (await this.pages.lastPage(pdfPath));
    return text === undefined ? appearance : { ...appearance, avoid: textRects(text.lines, text.height) };
  }

  private remember(original: string, text: PageText): void {
    this.lastPages.delete(original);
    this.lastPages.set(original, text);
    // Bounded: the oldest go first (documents whose organisation signature came elsewhere, or never).
    while (this.lastPages.size > REMEMBERED_PAGES) this.lastPages.delete(this.lastPages.keys().next().value as string);
  }
}

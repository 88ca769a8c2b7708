import type { Rect } from './page-geometry';

/**
 * Where a signature shows on the page. `page` is 1-based; `rect` is [x, y, width, height] in points
 * with the origin at the bottom left of the page as displayed. Both are optional: the defaults
 * follow Decree 30/2020 (see DOMAIN.md, "Signatures").
 */
interface Placement {
  readonly page?: number;
  readonly rect?: Rect;
}

/** The competent person's signature: position lines, signature image (or space), full name. */
export interface PersonAppearance extends Placement {
  readonly kind: 'person';
  /** Competence prefix line, e.g. "TM. ỦY BAN NHÂN DÂN" or "KT. CHỦ TỊCH"; may be empty. */
  readonly competence?: string;
  readonly position: string;
  readonly fullName: string;
  /** Handwritten signature, a (transparent) PNG. */
  readonly image?: Buffer;
  /**
   * The document prints the signature block itself (competence, position, name) and `rect` is the
   * gap above the name: the widget draws only the signature there (the image, or the words "Đã ký"
   * and the name), never the block's text a second time.
   */
  readonly signatureOnly?: boolean;
}

/** The issuing organisation's signature: the seal over the left third of the person's signature image. */
export interface OrganisationAppearance extends Placement {
  readonly kind: 'organisation';
  /** The red seal, a transparent PNG, drawn at `sealSize`. */
  readonly seal?: Buffer;
  /** Seal width in points (actual size); default 102 pt = 36 mm. */
  readonly sealSize?: number;
  readonly numberNotation: string;
  readonly issuedDate: string;
  readonly orgName: string;
  /**
   * Text on the page the block must not cover, as [x, y, width, height] rectangles in the page's
   * displayed space. Used without a seal image: the text-only block then moves to free space.
   */
  readonly avoid?: readonly Rect[];
}

/** The organisation's signature on a separate attachment file: text only, top right of page 1. */
export interface AttachmentAppearance extends Placement {
  readonly kind: 'attachment';
  readonly numberNotation: string;
  readonly time: Date;
  readonly orgName?: string;
}

export interface InvisibleAppearance {
  readonly kind: 'invisible';
}

export type SignatureAppearance = PersonAppearance | OrganisationAppearance | AttachmentAppearance | InvisibleAppearance;

import { Injectable, Logger, OnModuleDestroy, Optional } from '@nestjs/common';
import type { TextLine } from '../domain/signature-block';
import { MutoolMissingError, MutoolPageReader } from './mutool-page-reader';

export interface PageText {
  page: number;
  width: number;
  height: number;
  lines: TextLine[];
}

/**
 * The text lines of a PDF page with their positions, from MuPDF (`mutool run`, one process kept
 * running): it reads every font encoding a real document uses and only the page asked for. Without
 * mupdf-tools, or for a page it cannot read, signatures keep their default places.
 */
@Injectable()
export class PageTextRepository implements OnModuleDestroy {
  private readonly logger = new Logger(PageTextRepository.name);
  private missing = false;
  private readonly reader: MutoolPageReader;

  constructor(@Optional() reader?: MutoolPageReader) {
    this.reader = reader ?? new MutoolPageReader();
  }

  lastPage(path: string): Promise<PageText | undefined> {
    return this.page(path, 0);
  }

  /** One page's text (1-based; 0 for the last page), or undefined when MuPDF is missing or cannot read it. */
  async page(path: string, page: number): Promise<PageText | undefined> {
    if (this.missing) return undefined;
    try {
      const raw = await this.reader.read(path, page);
      const lines = raw.lines
        .map(([text, xMin, yMin, xMax, yMax]) => ({ text: text.replace(/\s+/g, ' ').trim(), xMin, yMin, xMax, yMax }))
        .filter((line) => line.text !== '' && [line.xMin, line.yMin, line.xMax, line.yMax].every(Number.isFinite));
      return { page: raw.page, width: raw.width, height: raw.height, lines };
    } catch (error) {
      if (error instanceof MutoolMissingError) {
        this.missing = true;
        this.logger.warn('mutool (mupdf-tools) is not installed: signatures go to their default places, not into the signature block of the document');
        return undefined;
      }
      this.logger.warn(`cannot read the text of page ${page === 0 ? '(last)' : page}: ${(error as Error).message.slice(0, 200)}`);
      return undefined;
    }
  }

  onModuleDestroy(): void {
    this.reader.stop();
  }
}

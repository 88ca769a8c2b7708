import { Injectable, Logger } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pageCount } from '@edoc/pdf-sign';
import type { TextLine } from '../domain/signature-block';

export interface PageText {
  page: number;
  width: number;
  height: number;
  lines: TextLine[];
}

const unescape = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
const attribute = (tag: string, name: string) => Number(new RegExp(`${name}="([-0-9.]+)"`).exec(tag)?.[1] ?? NaN);

/**
 * The text lines of a PDF page with their positions, from poppler's pdftotext (-bbox-layout): it
 * reads every font encoding a real document uses and only the page asked for, in bounded memory.
 * Without poppler (pdftotext not installed) signatures keep their default places.
 */
@Injectable()
export class PageTextRepository {
  private readonly logger = new Logger(PageTextRepository.name);
  private missing = false;

  async lastPage(path: string): Promise<PageText | undefined> {
    return this.page(path, pageCount(path));
  }

  /** One page's text (1-based), or undefined when poppler is missing or cannot read it. */
  async page(path: string, page: number): Promise<PageText | undefined> {
    if (this.missing) return undefined;
    try {
      const { stdout } = await promisify(execFile)('pdftotext', ['-bbox-layout', '-f', String(page), '-l', String(page), '-q', path, '-'], { maxBuffer: 16 * 1024 * 1024, timeout: 30_000 });
      return parse(stdout, page);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.missing = true;
        this.logger.warn('pdftotext (poppler-utils) is not installed: signatures go to their default places, not into the signature block of the document');
        return undefined;
      }
      this.logger.warn(`cannot read the text of page ${page}: ${(error as Error).message.slice(0, 200)}`);
      return undefined;
    }
  }
}

function parse(xhtml: string, page: number): PageText | undefined {
  const pageTag = /<page [^>]*>/.exec(xhtml)?.[0];
  if (pageTag === undefined) return undefined;
  const lines: TextLine[] = [];
  for (const match of xhtml.matchAll(/<line ([^>]*)>([\s\S]*?)<\/line>/g)) {
    const words = [...match[2].matchAll(/<word [^>]*>([\s\S]*?)<\/word>/g)].map((word) => unescape(word[1]));
    lines.push({ text: words.join(' '), xMin: attribute(match[1], 'xMin'), yMin: attribute(match[1], 'yMin'), xMax: attribute(match[1], 'xMax'), yMax: attribute(match[1], 'yMax') });
  }
  return { page, width: attribute(pageTag, 'width'), height: attribute(pageTag, 'height'), lines: lines.filter((line) => [line.xMin, line.yMin, line.xMax, line.yMax].every(Number.isFinite)) };
}

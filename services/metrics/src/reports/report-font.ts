import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface ReportFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

let fonts: ReportFonts | undefined;

/**
 * Liberation Serif (SIL OFL), the font libs/pdf-sign already ships for signature appearances: the
 * standard 14 PDF fonts have no Vietnamese letters. Read once per process.
 */
export function reportFonts(): ReportFonts {
  if (fonts === undefined) {
    const folder = join(dirname(require.resolve('@edoc/pdf-sign/package.json')), 'assets', 'fonts');
    try {
      fonts = { regular: readFileSync(join(folder, 'LiberationSerif-Regular.ttf')), bold: readFileSync(join(folder, 'LiberationSerif-Bold.ttf')) };
    } catch (error) {
      throw new Error(`the report font is missing from ${folder}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  return fonts;
}

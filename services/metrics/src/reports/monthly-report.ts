import type { PDFFont, PDFPage, rgb } from 'pdf-lib';
import type { Figures, Targets } from '../domain/figures';
import { formatPercent, Language, REPORT_LABELS } from './labels';
import type { ReportFonts } from './report-font';

export interface MonthlyReportData {
  month: string;
  from: string;
  to: string;
  /** False while the month is not over. */
  complete: boolean;
  generatedAt: string;
  targets: Targets;
  district: Figures;
  /** Worst first. */
  units: ({ orgCode: string; orgName: string } & Figures)[];
  /** The district's electronic share in the twelve months up to this one. */
  trend: { period: string; electronicShare: number | null }[];
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 48;

function palette(colour: typeof rgb) {
  return {
    BLACK: colour(0, 0, 0),
    GREY: colour(0.45, 0.45, 0.45),
    LIGHT: colour(0.88, 0.88, 0.88),
    GREEN: colour(0.13, 0.55, 0.13),
    RED: colour(0.75, 0.1, 0.1),
    BLUE: colour(0.15, 0.35, 0.65),
  };
}

/** The printable monthly report: the district against its targets, then every unit, worst first. */
export async function renderMonthlyReport(data: MonthlyReportData, language: Language, fontFiles: ReportFonts): Promise<Uint8Array> {
  const words = REPORT_LABELS[language];
  // pdf-lib and fontkit load with the first report, not at every start of metrics (about 0.3 s of CPU).
  const [{ PDFDocument, rgb: colour }, { default: fontkit }] = await Promise.all([import('pdf-lib'), import('@pdf-lib/fontkit')]);
  const { BLACK, GREY, LIGHT, GREEN, RED, BLUE } = palette(colour);
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const regular = await pdf.embedFont(fontFiles.regular, { subset: true });
  const bold = await pdf.embedFont(fontFiles.bold, { subset: true });
  pdf.setTitle(words.title(data.month));
  pdf.setCreator('edoc');
  pdf.setProducer('edoc metrics (pdf-lib)');
  pdf.setLanguage(language === 'vi' ? 'vi-VN' : 'en');

  let page = pdf.addPage([A4.width, A4.height]);
  let y = A4.height - MARGIN;
  const text = (target: PDFPage, value: string, x: number, top: number, size: number, font: PDFFont = regular, color = BLACK) =>
    target.drawText(value, { x, y: top, size, font, color });

  const title = words.title(data.month);
  text(page, title, (A4.width - bold.widthOfTextAtSize(title, 14)) / 2, y, 14, bold);
  y -= 20;
  const period = words.period(data.from, data.to);
  text(page, period, (A4.width - regular.widthOfTextAtSize(period, 10)) / 2, y, 10);
  y -= 14;
  if (!data.complete) {
    text(page, words.partial, (A4.width - regular.widthOfTextAtSize(words.partial, 9)) / 2, y, 9, regular, GREY);
    y -= 14;
  }
  text(page, words.generated(data.generatedAt), A4.width - MARGIN - regular.widthOfTextAtSize(words.generated(data.generatedAt), 8), y, 8, regular, GREY);
  y -= 24;

  // The district against the target line.
  text(page, words.summary, MARGIN, y, 12, bold);
  y -= 20;
  const share = data.district.electronicShare;
  text(page, `${words.electronicShare}: ${formatPercent(share, language)} (${words.target} ${formatPercent(data.targets.electronic, language)})`, MARGIN, y, 11, bold, share !== null && share >= data.targets.electronic ? GREEN : RED);
  y -= 16;
  const barWidth = A4.width - 2 * MARGIN;
  page.drawRectangle({ x: MARGIN, y, width: barWidth, height: 10, color: LIGHT });
  if (share !== null) page.drawRectangle({ x: MARGIN, y, width: (barWidth * share) / 100, height: 10, color: BLUE });
  const targetX = MARGIN + (barWidth * data.targets.electronic) / 100;
  page.drawLine({ start: { x: targetX, y: y - 3 }, end: { x: targetX, y: y + 13 }, thickness: 1.5, color: RED });
  y -= 18;
  const all = data.district;
  text(page, words.documents(all.electronic, all.paper, all.both), MARGIN, y, 10);
  y -= 14;
  const receipts = data.district.receipts;
  text(page, `${words.sameDay}: ${formatPercent(receipts.share, language)} (${receipts.confirmedSameDay}/${receipts.deliveries}; ${words.target} ${formatPercent(data.targets.sameDayReceipt, language)})`, MARGIN, y, 10);
  y -= 14;
  const onTime = data.district.onTime;
  text(page, `${words.onTime}: ${formatPercent(onTime.share, language)} (${onTime.onTime}/${onTime.due}; ${words.target} ${formatPercent(data.targets.onTime, language)})`, MARGIN, y, 10);
  y -= 22;

  // Twelve months of the district's share, with the target line.
  const chartHeight = 60;
  const slot = barWidth / Math.max(1, data.trend.length);
  page.drawLine({ start: { x: MARGIN, y: y - chartHeight }, end: { x: MARGIN + barWidth, y: y - chartHeight }, thickness: 0.5, color: GREY });
  data.trend.forEach((point, index) => {
    const x = MARGIN + index * slot + slot * 0.2;
    if (point.electronicShare !== null) page.drawRectangle({ x, y: y - chartHeight, width: slot * 0.6, height: (chartHeight * point.electronicShare) / 100, color: BLUE });
    text(page, point.period.slice(5, 7) + '/' + point.period.slice(2, 4), x, y - chartHeight - 10, 7, regular, GREY);
  });
  const targetY = y - chartHeight + (chartHeight * data.targets.electronic) / 100;
  page.drawLine({ start: { x: MARGIN, y: targetY }, end: { x: MARGIN + barWidth, y: targetY }, thickness: 1, color: RED, dashArray: [3, 2] });
  y -= chartHeight + 30;

  const below = data.units.filter((unit) => unit.meetsElectronicTarget === false).length;
  text(page, words.below(below), MARGIN, y, 10, bold);
  y -= 20;

  // The units, worst first.
  const columns = [0, 240, 290, 330, 370, 420, 470].map((offset) => MARGIN + offset);
  const header = () => {
    text(page, words.units, MARGIN, y, 12, bold);
    y -= 16;
    words.columns.forEach((label, index) => text(page, label, columns[index], y, 9, bold));
    y -= 4;
    page.drawLine({ start: { x: MARGIN, y }, end: { x: A4.width - MARGIN, y }, thickness: 0.5, color: GREY });
    y -= 12;
  };
  header();
  for (const unit of data.units) {
    if (y < MARGIN + 20) {
      page = pdf.addPage([A4.width, A4.height]);
      y = A4.height - MARGIN;
      header();
    }
    const f = unit;
    const color = f.meetsElectronicTarget === false ? RED : BLACK;
    const cells = [
      fit(unit.orgName, regular, 9, columns[1] - columns[0] - 6),
      String(f.electronic), String(f.paper), String(f.both),
      formatPercent(f.electronicShare, language), formatPercent(f.receipts.share, language), formatPercent(f.onTime.share, language),
    ];
    cells.forEach((cell, index) => text(page, cell, columns[index], y, 9, regular, index === 4 ? color : BLACK));
    y -= 13;
  }

  const pages = pdf.getPages();
  pages.forEach((each, index) => {
    const label = words.page(index + 1, pages.length);
    each.drawText(label, { x: A4.width - MARGIN - regular.widthOfTextAtSize(label, 8), y: MARGIN / 2, size: 8, font: regular, color: GREY });
  });
  return pdf.save();
}

/** Cuts a name to the width of its column, with an ellipsis. */
function fit(value: string, font: PDFFont, size: number, width: number): string {
  if (font.widthOfTextAtSize(value, size) <= width) return value;
  let cut = value;
  while (cut.length > 1 && font.widthOfTextAtSize(`${cut}…`, size) > width) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { computeFigures } from '../src/domain/figures';
import { renderMonthlyReport, type MonthlyReportData } from '../src/reports/monthly-report';
import { reportFonts } from '../src/reports/report-font';

const TARGETS = { electronic: 100, onTime: 95, sameDayReceipt: 100 };
const run = promisify(execFile);

async function pdfText(pdf: Uint8Array): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'edoc-report-'));
  try {
    const file = join(folder, 'report.pdf');
    writeFileSync(file, pdf);
    const check = await run('qpdf', ['--check', file]);
    expect(check.stdout).toContain('No syntax or stream encoding errors');
    return (await run('pdftotext', ['-layout', file, '-'])).stdout;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function data(units: number): MonthlyReportData {
  const figures = (electronic: number, paper: number) => computeFigures([{ book: 'outgoing', electronic, paper, both: 0 }], [{ confirmedSameDay: 3, notConfirmed: 1, pending: 0 }], [], TARGETS);
  return {
    month: '2025-03',
    from: '2025-03-01',
    to: '2025-03-31',
    complete: true,
    generatedAt: '2025-04-01T08:00:00+07:00',
    targets: TARGETS,
    district: figures(7, 1),
    units: Array.from({ length: units }, (_, i) => ({ orgCode: `000.${String(i).padStart(2, '0')}.13.H26`, orgName: i === 0 ? 'Phường Bùi Thị Xuân' : `Phường số ${i} có một cái tên rất dài, dài hơn cả cột của bảng, để thử cắt ngắn`, ...figures(i, 1) })),
    trend: [{ period: '2025-02', electronicShare: 50 }, { period: '2025-03', electronicShare: 87.5 }],
  };
}

describe('the monthly report PDF', () => {
  it('is a valid PDF whose text, Vietnamese letters included, carries the figures', async () => {
    const text = await pdfText(await renderMonthlyReport(data(3), 'vi', reportFonts()));
    expect(text).toContain('BÁO CÁO VĂN BẢN ĐIỆN TỬ THÁNG 03/2025');
    expect(text).toContain('Số liệu từ ngày 01/03/2025 đến ngày 31/03/2025');
    expect(text).toContain('Tỷ lệ văn bản điện tử: 87,5% (chỉ tiêu 100%)');
    expect(text).toContain('Văn bản đi và đến: 7 điện tử, 1 giấy, 0 cả hai');
    expect(text).toContain('Xác nhận đã nhận trong ngày: 75% (3/4');
    expect(text).toContain('Phường Bùi Thị Xuân');
    expect(text).toContain('Đơn vị chưa đạt chỉ tiêu văn bản điện tử: 3');
    expect(text).toContain('Trang 1/1');
  });

  it('speaks English when asked, and runs onto more pages for many units', async () => {
    const text = await pdfText(await renderMonthlyReport(data(60), 'en', reportFonts()));
    expect(text).toContain('ELECTRONIC DOCUMENTS REPORT, 2025-03');
    expect(text).toContain('Electronic share: 87.5% (target 100%)');
    expect(text).toMatch(/Page 2\/2/);
    expect(text).toContain('…');
  });
});

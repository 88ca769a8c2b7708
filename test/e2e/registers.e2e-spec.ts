import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { waitFor } from '@edoc/testing';
import { TestExchange } from '../support/test-exchange';
import { http, submissionForm } from '../support/http';
import { makePdf } from '../support/pdf-fixtures';
import { qpdfCheck } from '../support/external-validators';

const DISTRICT = '000.00.13.H26';
const BACH_DANG = '000.31.13.H26';

interface Entry {
  entryId: string;
  number: number;
  numberNotation: string;
  medium: string;
  series: string;
}

describe('registers (sổ đăng ký): numbers, paper documents, export', () => {
  let exchange: TestExchange;
  let db: Client;

  beforeAll(async () => {
    exchange = await TestExchange.start();
    db = new Client({ connectionString: exchange.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await exchange?.stop();
  });

  const post = <T>(path: string, user: string, json: unknown) => http<T>(exchange.url('intake', path), { token: exchange.token(user), json });
  const get = <T>(path: string, user: string) => http<T>(exchange.url('intake', path), { token: exchange.token(user) });

  it('gives 50 clerks registering at once 50 different numbers with no gap', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post<Entry>('/registers/outgoing', 'hbt.clerk', { type: 'TB', subject: `Thông báo số ${i}`, recipients: 'Các phường', signer: 'Chủ tịch', draftingUnit: 'VP' })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(201));
    const numbers = answers.map((a) => a.body.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(answers.find((a) => a.body.number === 7)?.body.numberNotation).toBe('07/TB-UBND-VP');
    expect(answers.every((a) => a.body.medium === 'paper')).toBe(true);
  });

  it('numbers the next electronic document after the paper ones, in the same series', async () => {
    const submitted = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'TB', subject: 'Thông báo điện tử', recipients: [BACH_DANG], signer: 'hbt.signer', draftingUnit: 'VP', dueDate: '2099-12-31' }, await makePdf('Thong bao')),
    });
    expect(submitted.status).toBe(202);
    const view = await waitFor('the document to be issued', async () => {
      const answer = await get<{ state: string; numberNotation: string }>(`/documents/${submitted.body.documentId}`, 'hbt.clerk');
      return answer.body.state === 'issued' ? answer.body : undefined;
    }, { timeoutMs: 30_000 });
    expect(view.numberNotation).toBe('51/TB-UBND-VP');
  });

  it('keeps a separate series for legal normative documents', async () => {
    const legal = await post<Entry>('/registers/outgoing', 'hbt.clerk', { type: 'QĐ', subject: 'Quyết định ban hành quy chế', recipients: 'Các phòng', legalNormative: true });
    expect(legal.body).toMatchObject({ number: 1, series: 'legal', numberNotation: '01/QĐ-UBND' });
  });

  it('shares arrival numbers between paper and electronic incoming documents', async () => {
    await waitFor('the electronic arrival in Bạch Đằng', async () => {
      const inbox = await get<{ items: { arrivalNumber: number }[] }>('/inbox', 'bachdang.clerk');
      return inbox.body.items.length === 1 ? inbox.body : undefined;
    });
    const paper = await post<Entry>('/registers/incoming', 'bachdang.clerk', {
      author: 'Công an quận Hai Bà Trưng', numberNotation: '15/CAQ-TH', documentDate: '2026-11-20', type: 'CV', subject: 'Về việc phối hợp', handler: 'Văn phòng', dueDate: '2020-01-01',
    });
    expect(paper.status).toBe(201);
    expect(paper.body.number).toBe(2);
    const book = await get<{ entries: Entry[] }>('/registers/incoming', 'bachdang.clerk');
    expect(book.body.entries.map((e) => [e.number, e.medium])).toEqual([[1, 'electronic'], [2, 'paper']]);
    const onlyPaper = await get<{ entries: Entry[] }>('/registers/incoming?medium=paper', 'bachdang.clerk');
    expect(onlyPaper.body.entries.map((e) => e.number)).toEqual([2]);
  });

  it('lists the follow-up book with the overdue paper document', async () => {
    const followUp = await get<{ entries: { arrivalNumber: number; dueDate: string; overdue: boolean; medium: string }[] }>('/registers/follow-up', 'bachdang.clerk');
    expect(followUp.body.entries).toEqual([
      expect.objectContaining({ arrivalNumber: 2, dueDate: '2020-01-01', overdue: true, medium: 'paper' }),
      expect.objectContaining({ arrivalNumber: 1, dueDate: '2099-12-31', overdue: false, medium: 'electronic' }),
    ]);
  });

  it('exports a book as CSV with the columns of Decree 30', async () => {
    const csv = await get('/registers/outgoing?format=csv', 'hbt.clerk');
    expect(csv.status).toBe(200);
    const text = csv.bytes.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('Đơn vị,"Số, ký hiệu văn bản",Ngày tháng văn bản,Tên loại và trích yếu nội dung,Người ký,Nơi nhận văn bản,"Đơn vị, người nhận bản lưu",Số lượng bản,Hình thức,Ghi chú');
    expect(lines).toHaveLength(1 + 52);
    expect(lines.some((line) => line.includes('51/TB-UBND-VP') && line.includes('Điện tử'))).toBe(true);
  });

  it('refuses to show or export the registers of another unit (403), and bad queries (400)', async () => {
    const other = await get<{ message: string }>(`/registers/outgoing?org=${DISTRICT}`, 'bachdang.clerk');
    expect(other.status).toBe(403);
    expect(other.body.message).toBe(`a clerk of ${BACH_DANG} cannot read the outgoing register of ${DISTRICT}`);
    expect((await get(`/registers/outgoing?org=${DISTRICT}&format=csv`, 'bachdang.clerk')).status).toBe(403);
    expect((await get('/registers/drafts', 'hbt.clerk')).status).toBe(400);
    expect((await get('/registers/outgoing?year=abc', 'hbt.clerk')).status).toBe(400);
    const admin = await get<{ entries: Entry[] }>(`/registers/outgoing?org=${DISTRICT}`, 'admin');
    expect(admin.body.entries).toHaveLength(52);
  });

  it('prints a closed book as PDF and refuses to print the open one', async () => {
    expect((await get('/registers/outgoing/print', 'hbt.clerk')).status).toBe(409);
    // A book of an earlier year, as an earlier version of the system would have left it.
    for (let n = 1; n <= 30; n++) {
      await db.query(
        `INSERT INTO intake.register_entries (entry_id, org_code, book, year, series, number, medium, number_notation, document_date, type_code, subject, counterpart, signer, recorded_at)
         VALUES (gen_random_uuid(), $1, 'outgoing', 2025, 'normal', $2, $3, $4, '2025-03-01', 'CV', $5, 'Các phường', 'Nguyễn Văn A', '2025-03-01T03:00:00Z')`,
        [DISTRICT, n, n % 3 === 0 ? 'paper' : 'electronic', `${String(n).padStart(2, '0')}/UBND-VP`, `Về việc số ${n} trong năm 2025: trích yếu đủ dài để xuống dòng trong ô của sổ đăng ký`],
      );
    }
    const pdf = await get('/registers/outgoing/print?year=2025', 'hbt.clerk');
    expect(pdf.status).toBe(200);
    await expect(qpdfCheck(pdf.bytes)).resolves.toContain('No syntax or stream encoding errors');
    const dir = mkdtempSync(join(tmpdir(), 'edoc-book-'));
    writeFileSync(join(dir, 'book.pdf'), pdf.bytes);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'book.pdf'), '-']).toString('utf8');
    expect(text).toContain('SỔ ĐĂNG KÝ VĂN BẢN ĐI - NĂM 2025');
    expect(text).toContain('Ủy ban nhân dân quận Hai Bà Trưng');
    expect(text).toContain('30/UBND-VP');
    expect(text).toMatch(/Trang 1\/\d/);
  });

  it('refuses bad paper registrations with every problem named', async () => {
    const bad = await post<{ message: string[] }>('/registers/incoming', 'bachdang.clerk', { type: 'XX', medium: 'electronic', dueDate: '31/12/2026' });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^author: required/),
        expect.stringMatching(/^numberNotation: required/),
        expect.stringMatching(/^type: unknown document type "XX"/),
        expect.stringMatching(/^subject: required/),
        expect.stringMatching(/^medium: "electronic"/),
        expect.stringMatching(/^dueDate: "31\/12\/2026" is not a date/),
      ]),
    );
  });

  it('fails a document whose number the register already holds (its counter set back by hand), with the reason and no entry of its own', async () => {
    // Decree 30: a number and notation are never given twice in a year. Numbering takes the number
    // and inserts the entry in statements sent together: the refusal must still be the register's.
    const { rows } = await db.query<{ last_number: number }>(
      `UPDATE intake.register_counters SET last_number = last_number - 1 WHERE org_code = $1 AND book = 'outgoing' AND series = 'normal' AND year = (SELECT max(year) FROM intake.register_counters WHERE org_code = $1 AND book = 'outgoing') RETURNING last_number`,
      [DISTRICT],
    );
    expect(rows).toHaveLength(1);
    const submitted = await http<{ documentId: string }>(exchange.url('intake', '/documents'), {
      token: exchange.token('hbt.clerk'),
      form: submissionForm({ type: 'TB', subject: 'Thông báo trùng số', recipients: [BACH_DANG], signer: 'hbt.signer', draftingUnit: 'VP' }, await makePdf('Thong bao trung so')),
    });
    expect(submitted.status).toBe(202);
    const view = await waitFor('the document to fail at numbering', async () => {
      const answer = await get<{ state: string; failure: { stage: string; reason: string } | null }>(`/documents/${submitted.body.documentId}`, 'hbt.clerk');
      return answer.body.state === 'failed' ? answer.body : undefined;
    }, { timeoutMs: 30_000 });
    expect(view.failure).toEqual({ stage: 'numbering', reason: `the outgoing register of ${DISTRICT} already holds this number and notation` });
    const own = await db.query(`SELECT 1 FROM intake.register_entries WHERE document_id = $1`, [submitted.body.documentId]);
    expect(own.rows).toEqual([]);
  });
});

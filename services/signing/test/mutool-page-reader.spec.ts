import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MutoolMissingError, MutoolPageReader, type RawPage } from '../src/repositories/mutool-page-reader';
import { PageTextRepository } from '../src/repositories/page-text.repository';

const FIXTURES = join(__dirname, '..', '..', '..', 'libs', 'pdf-sign', 'test', 'fixtures');
const LETTER = join(FIXTURES, 'cong-van.pdf'); // one page
const ANNEX = join(FIXTURES, 'phu-luc.pdf'); // four pages

/** poppler's lines of a page, the independent reading the helper's is compared with. */
function popplerLines(path: string, page: number) {
  const xhtml = execFileSync('pdftotext', ['-bbox-layout', '-f', String(page), '-l', String(page), '-q', path, '-'], { encoding: 'utf8' });
  return [...xhtml.matchAll(/<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([\s\S]*?)<\/line>/g)].map((m) => ({
    text: [...m[5].matchAll(/<word [^>]*>([^<]*)<\/word>/g)].map((word) => word[1]).join(' '),
    box: [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])],
  }));
}

/**
 * poppler's lines that MuPDF did not read (the same text, each side of its box within 2 points), and
 * MuPDF's that poppler has not: the two may list a page's lines in another order.
 */
function sameLines(page: RawPage, poppler: ReturnType<typeof popplerLines>) {
  const ours = page.lines.map(([text, ...box]) => ({ text: text.replace(/\s+/g, ' ').trim(), box }));
  const matches = (a: { text: string; box: number[] }, b: { text: string; box: number[] }) => a.text === b.text && a.box.every((value, side) => Math.abs(value - (b.box[side] as number)) < 2);
  return {
    missing: poppler.filter((line) => !ours.some((mine) => matches(mine, line))).map((line) => line.text),
    extra: ours.filter((mine) => !poppler.some((line) => matches(mine, line))).map((mine) => mine.text),
  };
}

describe('MutoolPageReader: one MuPDF process reads pages on request', () => {
  let dir: string;
  const readers: MutoolPageReader[] = [];
  const reader = (timeoutMs?: number, command?: string) => {
    const made = new MutoolPageReader(timeoutMs, command);
    readers.push(made);
    return made;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'edoc-mutool-'));
  });

  afterAll(() => {
    for (const made of readers) made.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the lines of a page where poppler reads them, text and place', async () => {
    const page = await reader().read(LETTER, 0);
    expect(page).toMatchObject({ page: 1 });
    expect(page.width).toBeCloseTo(595.3, 0);
    expect(page.height).toBeCloseTo(841.9, 0);
    expect(sameLines(page, popplerLines(LETTER, 1))).toEqual({ missing: [], extra: [] });
  });

  it('answers page after page from the same process, the last page when asked for page 0, and refuses a page the file lacks', async () => {
    const annex = reader();
    const pages = await Promise.all([annex.read(ANNEX, 0), annex.read(ANNEX, 2), annex.read(LETTER, 1)]);
    expect(pages.map((page) => page.page)).toEqual([4, 2, 1]);
    expect(sameLines(pages[0], popplerLines(ANNEX, 4))).toEqual({ missing: [], extra: [] });
    await expect(annex.read(ANNEX, 9)).rejects.toThrow('the document has 4 pages, not page 9');
    expect((await annex.read(LETTER, 0)).page).toBe(1);
  });

  it('answers a damaged file with an error and goes on with the next request', async () => {
    const damaged = join(dir, 'damaged.pdf');
    writeFileSync(damaged, Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(4096, 0x5a)]));
    const same = reader();
    await expect(same.read(damaged, 0)).rejects.toThrow(/./);
    expect((await same.read(LETTER, 0)).lines.length).toBeGreaterThan(5);
  });

  it('reads every file as a PDF, whatever it is called: an SVG is refused, not read as a drawing', async () => {
    const drawing = join(dir, 'signature-block.svg');
    writeFileSync(drawing, '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><text x="10" y="50">Ngô Thanh Thảo</text></svg>');
    await expect(reader().read(drawing, 0)).rejects.toThrow(/./);
  });

  it('fails the request of a helper that dies, with what it said, and starts another for the next', async () => {
    // Dies at its first request, as MuPDF would on a file that crashes it; behaves from then on.
    const marker = join(dir, 'died-once');
    const command = join(dir, 'mutool-dies-once');
    writeFileSync(command, `#!/bin/sh\nif [ ! -e ${marker} ]; then touch ${marker}; read line; echo "crashed on $line" >&2; exit 3; fi\nexec mutool "$@"\n`);
    chmodSync(command, 0o755);
    const flaky = reader(30_000, command);
    await expect(flaky.read(LETTER, 0)).rejects.toThrow(/mutool stopped \(exit 3\): crashed on .*cong-van\.pdf/);
    expect((await flaky.read(LETTER, 0)).page).toBe(1);
  });

  it('gives up on a helper that does not answer in time, and a later request gets a new one', async () => {
    const silent = join(dir, 'mutool-silent');
    writeFileSync(silent, '#!/bin/sh\nexec sleep 60\n');
    chmodSync(silent, 0o755);
    const stuck = reader(300, silent);
    await expect(stuck.read(LETTER, 0)).rejects.toThrow('mutool took longer than 300 ms to read page (last); it is started again');
    await expect(stuck.read(LETTER, 0)).rejects.toThrow('took longer than 300 ms');
  });

  it('says when mutool is not installed; the page text is then undefined and signatures keep their default places', async () => {
    await expect(reader(1_000, 'edoc-no-such-mutool').read(LETTER, 0)).rejects.toBeInstanceOf(MutoolMissingError);
    const pages = new PageTextRepository(reader(1_000, 'edoc-no-such-mutool'));
    expect(await pages.lastPage(LETTER)).toBeUndefined();
    expect(await pages.page(LETTER, 1)).toBeUndefined();
  });
});

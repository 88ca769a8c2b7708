import { deflateSync } from 'node:zlib';
import { type RawObject, classicPdf, flateBomb, lastXrefRegion, seededRandom, simpleDocument, stream, xrefStreamPdf } from './hostile-pdf';

export interface HostileInput {
  readonly category: string;
  readonly name: string;
  /** Built when run, so that the corpus does not hold every 2 MB bomb at once. */
  readonly make: () => Buffer;
}

export interface CorpusBases {
  /** A classic xref table. */
  readonly classic: Buffer;
  /** The same document with an xref stream and object streams (as qpdf writes them). */
  readonly compressed: Buffer;
  /** The classic one after an incremental update that adds a signature field and dictionary. */
  readonly signed: Buffer;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const latin1 = (s: string) => Buffer.from(s, 'latin1');
const edit = (pdf: Buffer, fn: (text: string) => string) => latin1(fn(pdf.toString('latin1')));

/** A three-page letter, hand-made so that its bytes are the same on every run. */
export function corpusDocument(): RawObject[] {
  const page = (num: number, content: number) => ({ num, body: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 9 0 R >> >> /Contents ${content} 0 R >>` });
  const text = (n: number) => stream('/Filter /FlateDecode', deflateSync(latin1(`BT /F1 14 Tf 72 760 Td (Page ${n}: routine correspondence) Tj ET`)));
  return [
    { num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' },
    { num: 2, body: '<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >>' },
    page(3, 6),
    page(4, 7),
    page(5, 8),
    { num: 6, body: text(1) },
    { num: 7, body: text(2) },
    { num: 8, body: text(3) },
    { num: 9, body: '<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>' },
    { num: 10, body: '<< /Title (edoc hostile corpus) /Producer (hand) >>' },
  ];
}

/**
 * An incremental update that signs the document in form only: a signature field and dictionary
 * whose /ByteRange is exact but whose /Contents is no CMS. Real signatures are randomised (ECDSA,
 * fresh IDs); this one is the same on every run, and is "signed" for every rule that matters here.
 */
export function withFormalSignature(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
  const contents = `<${'0'.repeat(512)}>`;
  const placeholder = '[0 0000000000 0000000000 0000000000]';
  const objects = [
    { num: 11, body: `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M (D:20250102030405Z) /ByteRange ${placeholder} /Contents ${contents} >>` },
    { num: 12, body: '<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /V 11 0 R /F 132 /Rect [0 0 0 0] /P 3 0 R >>' },
    { num: 1, body: '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [12 0 R] /SigFlags 3 >> >>' },
  ];
  let body = '\n';
  const offsets = new Map<number, number>();
  for (const o of objects) {
    offsets.set(o.num, pdf.length + body.length);
    body += `${o.num} 0 obj\n${o.body}\nendobj\n`;
  }
  const xrefAt = pdf.length + body.length;
  const entry = (n: number) => `${n} 1\n${String(offsets.get(n)).padStart(10, '0')} 00000 n\r\n`;
  const tail = `xref\n0 1\n0000000000 65535 f\r\n${entry(1)}${entry(11)}${entry(12)}trailer\n<< /Size 13 /Root 1 0 R /Info 10 0 R /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  const full = body + tail;
  const total = pdf.length + full.length;
  const gapStart = pdf.length + full.indexOf(contents);
  const gapEnd = gapStart + contents.length;
  const range = `[0 ${pad(gapStart)} ${pad(gapEnd)} ${pad(total - gapEnd)}]`;
  return Buffer.concat([pdf, latin1(full.replace(placeholder, range))]);
}

const pad = (n: number) => String(n).padStart(10, '0');

/** Every hostile input, in a fixed order, from a fixed seed. */
export function hostileCorpus(bases: CorpusBases, seed = 20250101): HostileInput[] {
  const random = seededRandom(seed);
  const inputs: HostileInput[] = [];
  const add = (category: string, name: string, make: () => Buffer) => inputs.push({ category, name, make });
  const named = Object.entries(bases) as [keyof CorpusBases, Buffer][];
  const doc = simpleDocument();

  // Truncation: anywhere, and at the places that matter (header, xref, trailer, startxref, %%EOF).
  for (const [baseName, base] of named) {
    const text = base.toString('latin1');
    const landmarks = ['%PDF', 'xref', 'trailer', 'startxref', '%%EOF', 'stream', 'endobj'].map((k) => text.lastIndexOf(k)).filter((i) => i > 0);
    const offsets = new Set([0, 1, 9, base.length - 1, base.length - 7, ...landmarks, ...landmarks.map((i) => i + 3)]);
    while (offsets.size < 30) offsets.add(Math.floor(random() * base.length));
    for (const at of [...offsets].slice(0, 30)) add('truncation', `${baseName} cut at ${at}`, () => base.subarray(0, at));
  }

  // Bit flips in the last xref section and trailer (table, or xref stream with its predictor).
  for (const [baseName, base] of named) {
    const { start, end } = lastXrefRegion(base);
    for (let i = 0; i < 30; i++) {
      const flips = Array.from({ length: 1 + Math.floor(random() * 3) }, () => [start + Math.floor(random() * (end - start)), 1 << Math.floor(random() * 8)] as const);
      add('bit flips in xref/trailer', `${baseName} ${flips.map(([at, bit]) => `${at}^${bit}`).join(',')}`, () => {
        const copy = Buffer.from(base);
        for (const [at, bit] of flips) copy[at] ^= bit;
        return copy;
      });
    }
  }

  // Decompression bombs, where the engine must inflate (object and xref streams, the XMP metadata)
  // and where it need not (a page's content).
  const bomb = (bytes: number) => flateBomb(bytes);
  const [catalog, pages, page] = doc;
  const objStmBomb = (bytes: number, extra = '') => xrefStreamPdf([doc[3]], [catalog, pages, page], { objStmData: bomb(bytes), objStmDict: extra });
  add('flate bomb', 'object stream inflating to 2 GiB', () => objStmBomb(2 * GiB));
  add('flate bomb', 'object stream inflating to 256 MiB', () => objStmBomb(256 * MiB));
  add('flate bomb', 'object stream inflating to 33 MiB (just over one stream)', () => objStmBomb(33 * MiB));
  add('flate bomb', 'object stream compressed twice, 1 GiB inside', () => xrefStreamPdf([doc[3]], [catalog, pages, page], { objStmData: deflateSync(bomb(GiB)), objStmDict: '/Filter [/FlateDecode /FlateDecode]' }));
  add('flate bomb', 'xref stream inflating to 2 GiB', () => xrefStreamPdf(doc, [], { xrefData: bomb(2 * GiB) }));
  add('flate bomb', 'page content inflating to 2 GiB (never decoded)', () => classicPdf([catalog, pages, page, { num: 4, body: stream('/Filter /FlateDecode', bomb(2 * GiB)) }]));
  add('flate bomb', 'XMP metadata inflating to 1 GiB', () => classicPdf([{ num: 1, body: '<< /Type /Catalog /Pages 2 0 R /Metadata 5 0 R >>' }, pages, page, doc[3], { num: 5, body: stream('/Type /Metadata /Subtype /XML /Filter /FlateDecode', bomb(GiB)) }]));
  add('flate bomb', 'embedded file inflating to 1 GiB', () => classicPdf([{ num: 1, body: '<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(a.txt) 5 0 R] >> >> >>' }, pages, page, doc[3], { num: 5, body: '<< /Type /Filespec /F (a.txt) /EF << /F 6 0 R >> >>' }, { num: 6, body: stream('/Type /EmbeddedFile /Filter /FlateDecode', bomb(GiB)) }]));
  add('flate bomb', 'corrupt deflate data in the object stream', () => objStmBomb(MiB).fill(0x41, 400, 480));
  add('flate bomb', 'PNG predictor with 2^40 columns', () => xrefStreamPdf([doc[3]], [catalog, pages, page], { objStmDict: '/DecodeParms << /Predictor 12 /Columns 1099511627776 >>' }));

  // Nesting, in a page (which signing reads), in an object stream and in the trailer.
  for (const depth of [99, 100, 101, 1000, 10000, 100000]) {
    add('deep nesting', `array ${depth} deep in a page`, () => classicPdf(simpleDocument({ pageExtra: `/X ${'['.repeat(depth)}${']'.repeat(depth)}` })));
    add('deep nesting', `dictionary ${depth} deep in a page`, () => classicPdf(simpleDocument({ pageExtra: `/X ${'<< /A '.repeat(depth)}1${' >>'.repeat(depth)}` })));
  }
  add('deep nesting', 'array 10000 deep in an object stream', () => xrefStreamPdf([doc[3]], [catalog, pages, { num: 3, body: `<< /Type /Page /Parent 2 0 R /X ${'['.repeat(10000)}${']'.repeat(10000)} >>` }]));
  add('deep nesting', 'unterminated 50000-deep array in the trailer', () => classicPdf(doc, { trailer: `/X ${'['.repeat(50000)}` }));
  add('deep nesting', 'page tree 200 levels deep', () => deepPageTree(200));

  // /Prev loops and hidden-stream loops.
  add('/Prev loop', '/Prev pointing at its own section', () => edit(classicPdf(doc), (t) => t.replace('/Root 1 0 R', `/Root 1 0 R /Prev ${startxrefOf(t)}`)));
  add('/Prev loop', 'two updates pointing at each other', () => prevCycle(classicPdf(doc), 2));
  add('/Prev loop', 'three updates in a cycle', () => prevCycle(classicPdf(doc), 3));
  add('/Prev loop', 'xref stream whose /Prev is itself', () => edit(xrefStreamPdf(doc, []), (t) => t.replace('/Type /XRef', `/Type /XRef /Prev ${startxrefOf(t)}`)));
  add('/Prev loop', '/XRefStm naming the table itself', () => edit(classicPdf(doc), (t) => t.replace('/Root 1 0 R', `/Root 1 0 R /XRefStm ${startxrefOf(t)}`)));
  add('/Prev loop', '/Prev of absurd kind (a string)', () => edit(classicPdf(doc), (t) => t.replace('/Root 1 0 R', '/Root 1 0 R /Prev (12)')));

  // Self-referencing and otherwise impossible /Length.
  add('self-referencing /Length', 'page content whose /Length is itself', () => classicPdf([...doc.slice(0, 3), { num: 4, body: stream('/Length 4 0 R', 'BT ET') }]));
  add('self-referencing /Length', 'object stream whose /Length is itself', () => xrefStreamPdf([doc[3]], [catalog, pages, page], { objStmDict: '/Length 90 0 R' }));
  add('self-referencing /Length', 'object stream whose /Length is inside it', () => xrefStreamPdf([doc[3]], [catalog, pages, page, { num: 5, body: '42' }], { objStmDict: '/Length 5 0 R' }));
  add('self-referencing /Length', 'two streams whose lengths are each other', () => classicPdf([...doc.slice(0, 3), { num: 4, body: stream('/Length 5 0 R', 'BT ET') }, { num: 5, body: stream('/Length 4 0 R', 'BT ET') }]));
  add('self-referencing /Length', '/Length a reference to a reference cycle', () => classicPdf([...doc.slice(0, 3), { num: 4, body: stream('/Length 5 0 R', 'BT ET') }, { num: 5, body: '6 0 R' }, { num: 6, body: '5 0 R' }]));
  add('self-referencing /Length', 'negative /Length', () => classicPdf([...doc.slice(0, 3), { num: 4, body: stream('/Length -5', 'BT ET') }]));
  add('self-referencing /Length', '/Length 10^20', () => classicPdf([...doc.slice(0, 3), { num: 4, body: stream('/Length 100000000000000000000', 'BT ET') }]));
  add('self-referencing /Length', 'stream without endstream', () => edit(classicPdf(doc), (t) => t.replace('endstream', 'endstrea_')));

  // Object streams that contain themselves or one another.
  add('object stream in itself', 'object stream listed inside itself', () => xrefStreamPdf([doc[3]], [catalog, pages, page], { xrefEntries: (rows) => set(rows, 90, [2, 90, 0]) }));
  add('object stream in itself', 'two object streams inside each other', () => xrefStreamPdf([doc[3]], [catalog, pages, page], { xrefEntries: (rows) => set(set(rows, 90, [2, 80, 0]), 80, [2, 90, 0]) }));
  add('object stream in itself', 'member naming the object stream', () => xrefStreamPdf([doc[3]], [catalog, pages, page, { num: 90, body: '<< /Fake true >>' }]));
  add('object stream in itself', 'entry pointing into a non-stream', () => xrefStreamPdf([doc[3]], [catalog, pages, page], { xrefEntries: (rows) => set(rows, 1, [2, 2, 0]) }));
  add('object stream in itself', '/N of 2^31', () => xrefStreamPdf([doc[3]], [catalog, pages, page], { objStmDict: '/N 2147483647' }));
  // A later key in a dictionary wins, so these replace /First and /N without moving any offset.
  add('object stream in itself', '/First past the data', () => xrefStreamPdf([doc[3]], [catalog, pages, page], { objStmDict: '/First 99999' }));
  add('object stream in itself', 'negative /N', () => xrefStreamPdf([doc[3]], [catalog, pages, page], { objStmDict: '/N -3' }));

  // Huge or absurd /Size and /Index.
  for (const size of ['1000000000', '9007199254740993', '1e300', '-1', '(abc)', '5 0 R']) {
    add('huge /Size', `classic trailer /Size ${size}`, () => edit(classicPdf(doc), (t) => t.replace(/\/Size \d+/, `/Size ${size}`)));
  }
  add('huge /Size', 'xref stream /Size 2^31 without /Index', () => edit(xrefStreamPdf(doc, []), (t) => t.replace(/\/Size \d+/, '/Size 2147483647')));
  add('huge /Size', 'xref stream /Index [0 4294967295]', () => edit(xrefStreamPdf(doc, []), (t) => t.replace('/Type /XRef', '/Type /XRef /Index [0 4294967295]')));
  add('huge /Size', 'xref table subsection of 10^9 entries', () => edit(classicPdf(doc), (t) => t.replace(/xref\n0 \d+/, 'xref\n0 1000000000')));
  add('huge /Size', 'xref stream /W [0 0 0]', () => edit(xrefStreamPdf(doc, []), (t) => t.replace('/W [1 4 2]', '/W [0 0 0]')));

  // Negative and absurd offsets.
  add('absurd offsets', 'startxref -1', () => edit(classicPdf(doc), (t) => t.replace(/startxref\n\d+/, 'startxref\n-1')));
  add('absurd offsets', 'startxref 10^20', () => edit(classicPdf(doc), (t) => t.replace(/startxref\n\d+/, 'startxref\n100000000000000000000')));
  add('absurd offsets', 'startxref 0', () => edit(classicPdf(doc), (t) => t.replace(/startxref\n\d+/, 'startxref\n0')));
  add('absurd offsets', 'catalog at byte 9999999999', () => edit(classicPdf(doc), (t) => t.replace(/^\d{10} 00000 n\r$/m, '9999999999 00000 n\r')));
  add('absurd offsets', 'catalog at byte 0', () => edit(classicPdf(doc), (t) => t.replace(/^\d{10} 00000 n\r$/m, '0000000000 00000 n\r')));
  add('absurd offsets', '/Prev -5', () => edit(classicPdf(doc), (t) => t.replace('/Root 1 0 R', '/Root 1 0 R /Prev -5')));
  add('absurd offsets', '/Prev 10^15', () => edit(classicPdf(doc), (t) => t.replace('/Root 1 0 R', '/Root 1 0 R /Prev 1000000000000000')));
  add('absurd offsets', '/XRefStm 999999999', () => edit(classicPdf(doc), (t) => t.replace('/Root 1 0 R', '/Root 1 0 R /XRefStm 999999999')));
  add('absurd offsets', 'xref stream offset 2^32-1', () => xrefStreamPdf(doc, [], { xrefEntries: (rows) => set(rows, 1, [1, 0xffffffff, 0]) }));
  add('absurd offsets', 'xref stream entry of unknown type 7', () => xrefStreamPdf(doc, [], { xrefEntries: (rows) => set(rows, 1, [7, 0, 0]) }));

  // Bytes after %%EOF: readers open these; so must we.
  for (const [baseName, base] of named.slice(0, 2)) {
    const garbage: [string, () => Buffer][] = [
      ['1 byte', () => latin1('x')],
      ['100 bytes', () => Buffer.alloc(100, 0x2e)],
      ['4 KiB', () => Buffer.alloc(4096, 0x41)],
      ['8 KiB', () => Buffer.alloc(8192, 0x41)],
      ['64 KiB of random bytes', () => Buffer.from(Array.from({ length: 65536 }, () => Math.floor(random() * 256)))],
      ['1 MiB - 64 of zeros', () => Buffer.alloc(MiB - 64)],
      ['1 MiB + 64 of zeros (startxref out of reach)', () => Buffer.alloc(MiB + 64)],
      ['a false "startxref 0 %%EOF"', () => latin1('\nstartxref\n0\n%%EOF\n')],
      ['a fake object and trailer', () => latin1('\n1 0 obj\n<< /Type /Catalog /Pages 99 0 R >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n')],
      ['an HTML error page', () => latin1('<html><body><h1>502 Bad Gateway</h1></body></html>\n'.repeat(50))],
    ];
    for (const [what, make] of garbage) add('garbage after %%EOF', `${baseName} + ${what}`, () => Buffer.concat([base, make()]));
  }

  // Other cycles and refusals.
  add('cycles and other', 'page whose /Parent is itself', () => classicPdf([catalog, pages, { num: 3, body: '<< /Type /Page /Parent 3 0 R /Contents 4 0 R >>' }, doc[3]]));
  add('cycles and other', 'page tree whose /Kids contain the root', () => classicPdf([catalog, { num: 2, body: '<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>' }, page, doc[3]]));
  add('cycles and other', '/Root a cycle of references', () => classicPdf([...doc, { num: 5, body: '6 0 R' }, { num: 6, body: '5 0 R' }], { trailer: '/Root 5 0 R' }));
  add('cycles and other', '/Pages a chain of 40 references', () => classicPdf([{ num: 1, body: '<< /Type /Catalog /Pages 10 0 R >>' }, pages, page, doc[3], ...Array.from({ length: 40 }, (_, i) => ({ num: 10 + i, body: i === 39 ? '2 0 R' : `${11 + i} 0 R` }))]));
  add('cycles and other', 'form field whose /Kids contain itself', () => classicPdf([{ num: 1, body: '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] >> >>' }, pages, page, doc[3], { num: 5, body: '<< /T (a) /Kids [5 0 R] >>' }]));
  add('cycles and other', 'encrypted (trailer /Encrypt)', () => classicPdf([...doc, { num: 5, body: '<< /Filter /Standard /V 2 /R 3 /Length 128 /O <00> /U <00> /P -4 >>' }], { trailer: '/Encrypt 5 0 R' }));
  add('cycles and other', 'a name of 100 KB', () => classicPdf(simpleDocument({ pageExtra: `/X /${'a'.repeat(100_000)}` })));
  add('cycles and other', 'a string of 4 MB', () => classicPdf(simpleDocument({ pageExtra: `/X (${'a'.repeat(4 * MiB)})` })));
  add('cycles and other', '20000 objects with "obj" but no endobj or stream end', () => manyBrokenObjects(20000));
  add('cycles and other', '3000 wrong /Length streams read from the end backwards', () => backwardsWrongLengths(3000));
  return inputs;
}

function startxrefOf(text: string): string {
  return /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1] ?? '0';
}

function set<T>(rows: T[], index: number, value: T): T[] {
  const copy = [...rows];
  copy[index] = value;
  return copy;
}

/** `n` incremental updates, each adding an object; the first one's /Prev then names the last: a cycle. */
function prevCycle(pdf: Buffer, n: number): Buffer {
  const first = `/Prev ${pad(Number(startxrefOf(pdf.toString('latin1'))))}`;
  let out = pdf;
  for (let i = 0; i < n; i++) {
    const prev = Number(startxrefOf(out.toString('latin1')));
    const body = `\n${20 + i} 0 obj\n(update ${i})\nendobj\n`;
    const xrefAt = out.length + body.length;
    out = Buffer.concat([out, latin1(`${body}xref\n${20 + i} 1\n${pad(out.length + 1)} 00000 n\r\ntrailer\n<< /Size ${21 + i} /Root 1 0 R /Prev ${pad(prev)} >>\nstartxref\n${xrefAt}\n%%EOF\n`)]);
  }
  // Same width, so no offset moves.
  return edit(out, (t) => t.replace(first, `/Prev ${pad(Number(startxrefOf(t)))}`));
}

function deepPageTree(depth: number): Buffer {
  const objects: RawObject[] = [{ num: 1, body: `<< /Type /Catalog /Pages 10 0 R >>` }];
  for (let i = 0; i < depth; i++) {
    const num = 10 + i;
    const parent = i === 0 ? '' : `/Parent ${num - 1} 0 R`;
    objects.push({ num, body: `<< /Type /Pages /Kids [${i === depth - 1 ? 3 : num + 1} 0 R] /Count 1 ${parent} >>` });
  }
  objects.push({ num: 3, body: `<< /Type /Page /Parent ${10 + depth - 1} 0 R /MediaBox [0 0 595 842] >>` });
  return classicPdf(objects.sort((a, b) => a.num - b.num));
}

/** A damaged file (no xref) full of object headers whose bodies never end: the rebuild must not go quadratic. */
function manyBrokenObjects(n: number): Buffer {
  let body = '%PDF-1.7\n';
  for (let i = 1; i <= n; i++) body += `${i} 0 obj\n(unterminated string\n`;
  return latin1(body);
}

/** Pages listed last first, each content stream with a wrong /Length and only one "endstream", at the end. */
function backwardsWrongLengths(n: number): Buffer {
  const objects: RawObject[] = [{ num: 1, body: '<< /Type /Catalog /Pages 2 0 R >>' }];
  const kids: string[] = [];
  for (let i = 0; i < n; i++) {
    kids.unshift(`${3 + 2 * i} 0 R`);
    objects.push({ num: 3 + 2 * i, body: `<< /Type /Page /Parent 2 0 R /Contents ${4 + 2 * i} 0 R >>` });
    objects.push({ num: 4 + 2 * i, body: `<< /Length 1 >>\nstream\n${'x'.repeat(1000)}\nendstrea_` });
  }
  objects.push({ num: 2, body: `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${n} >>` }, { num: 4 + 2 * n, body: stream('', 'x') });
  return classicPdf(objects.sort((a, b) => a.num - b.num));
}

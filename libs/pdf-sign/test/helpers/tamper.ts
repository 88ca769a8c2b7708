/**
 * Hand-written incremental updates for tamper tests, appended after a signed file. They use a
 * classic xref section whose /Prev points at the file's last one, as any PDF editor would.
 */
export function appendUpdate(pdf: Buffer, objects: { num: number; body: string }[]): Buffer {
  const text = pdf.toString('latin1');
  const startxref = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)?.[1]);
  const size = Math.max(...[...text.matchAll(/\/Size (\d+)/g)].map((m) => Number(m[1])), ...objects.map((o) => o.num + 1));
  const root = [...text.matchAll(/\/Root (\d+ \d+) R/g)].pop()?.[1];
  let body = '';
  const offsets = new Map<number, number>();
  for (const o of objects) {
    offsets.set(o.num, pdf.length + body.length);
    body += `${o.num} 0 obj\n${o.body}\nendobj\n`;
  }
  const xrefAt = pdf.length + body.length;
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  const xref = `xref\n${nums.map((n) => `${n} 1\n${String(offsets.get(n)).padStart(10, '0')} 00000 n\r\n`).join('')}`;
  const trailer = `trailer\n<< /Size ${size} /Root ${root} R /Prev ${startxref} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(body + xref + trailer, 'latin1')]);
}

/** The newest definition of object `num` as written in the file (the dictionary text). */
export function lastDefinition(pdf: Buffer, num: number): string {
  const all = [...pdf.toString('latin1').matchAll(new RegExp(`(?:^|\\s)${num} 0 obj\\s*([\\s\\S]*?)\\s*endobj`, 'g'))];
  const last = all.pop();
  if (!last) throw new Error(`object ${num} not found`);
  return last[1];
}

/** A comment added to the last page in an unsigned update, as any PDF editor would (the page must have /Annots). */
export function withComment(pdf: Buffer): Buffer {
  const text = pdf.toString('latin1');
  const pageNum = Number([...text.matchAll(/(\d+) 0 obj\s*<<\s*\/Type\s*\/Page\b/g)].pop()?.[1]);
  const page = lastDefinition(pdf, pageNum);
  const size = Math.max(...[...text.matchAll(/\/Size (\d+)/g)].map((m) => Number(m[1])));
  const commented = page.replace(/\/Annots\s*\[/, `/Annots [${size} 0 R `);
  if (commented === page) throw new Error('the page has no /Annots array to add to');
  return appendUpdate(pdf, [
    { num: size, body: `<< /Type /Annot /Subtype /Text /Rect [72 600 92 620] /Contents (Đã xem) /P ${pageNum} 0 R >>` },
    { num: pageNum, body: commented },
  ]);
}

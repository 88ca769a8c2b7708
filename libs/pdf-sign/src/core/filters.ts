import { PdfSignError } from '../errors';
import { boundedInflate } from './bounded-inflate';
import { PdfDict, PdfName, type PdfObject, type PdfStream } from './pdf-objects';
import type { ReadLimits } from './read-budget';

/**
 * Decodes the streams the signer must read itself: xref streams and object streams. PDF writers
 * use FlateDecode (with a PNG predictor for xref streams) for these in practice. Every byte
 * produced is charged to the document's budget.
 */
export function decodeStream(stream: PdfStream, what: string, limits: ReadLimits): Buffer {
  const filters = asArray(stream.dict.get('Filter'));
  const parms = asArray(stream.dict.get('DecodeParms'));
  if (stream.dataLength > limits.maxStreamBytes) {
    throw new PdfSignError('BUDGET_EXCEEDED', `${what} is ${stream.dataLength} bytes long, more than the ${limits.maxStreamBytes} bytes one decoded stream may take`);
  }
  let data = stream.rawData();
  filters.forEach((f, i) => {
    if (!(f instanceof PdfName)) throw new PdfSignError('MALFORMED_PDF', `${what}: /Filter is not a name`);
    const p = parms[i];
    if (f.value === 'FlateDecode' || f.value === 'Fl') {
      data = applyPredictor(boundedInflate(data, what, limits), p instanceof PdfDict ? p : undefined, what);
    } else {
      throw new PdfSignError('UNSUPPORTED_PDF', `${what} uses the ${f.value} filter, which this signer does not read`);
    }
  });
  return data;
}

function asArray(v: PdfObject | undefined): PdfObject[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function applyPredictor(data: Buffer, parms: PdfDict | undefined, what: string): Buffer {
  const predictor = parameter(parms, 'Predictor', 1, 1, 15, what);
  if (predictor === 1) return data;
  const colors = parameter(parms, 'Colors', 1, 1, 32, what);
  const bpc = parameter(parms, 'BitsPerComponent', 8, 1, 16, what);
  const columns = parameter(parms, 'Columns', 1, 1, Number.MAX_SAFE_INTEGER, what);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLength = Math.ceil((colors * bpc * columns) / 8);
  // A row longer than the data would allocate a hostile amount for nothing.
  if (rowLength > data.length + 1) throw new PdfSignError('MALFORMED_PDF', `${what}: /Columns ${columns} is wider than the decoded data (${data.length} bytes)`);
  if (predictor === 2) {
    if (bpc !== 8) throw new PdfSignError('UNSUPPORTED_PDF', `${what}: TIFF predictor with ${bpc} bits per component`);
    const out = Buffer.from(data);
    for (let row = 0; row + rowLength <= out.length; row += rowLength) {
      for (let i = bpp; i < rowLength; i++) out[row + i] = (out[row + i] + out[row + i - bpp]) & 0xff;
    }
    return out;
  }
  if (predictor < 10) throw new PdfSignError('UNSUPPORTED_PDF', `${what}: unknown predictor ${predictor}`);
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = Buffer.alloc(rows * rowLength);
  let prev = Buffer.alloc(rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)];
    const line = data.subarray(r * (rowLength + 1) + 1, (r + 1) * (rowLength + 1));
    const cur = out.subarray(r * rowLength, (r + 1) * rowLength);
    for (let i = 0; i < rowLength; i++) {
      const left = i >= bpp ? cur[i - bpp] : 0;
      const up = prev[i];
      const upLeft = i >= bpp ? prev[i - bpp] : 0;
      let v: number;
      switch (type) {
        case 0:
          v = line[i];
          break;
        case 1:
          v = line[i] + left;
          break;
        case 2:
          v = line[i] + up;
          break;
        case 3:
          v = line[i] + ((left + up) >> 1);
          break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - upLeft);
          v = line[i] + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default:
          throw new PdfSignError('MALFORMED_PDF', `${what}: invalid PNG predictor row type ${type}`);
      }
      cur[i] = v & 0xff;
    }
    prev = cur;
  }
  return out;
}

function parameter(parms: PdfDict | undefined, key: string, dflt: number, min: number, max: number, what: string): number {
  const v = parms?.get(key);
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new PdfSignError('MALFORMED_PDF', `${what}: /DecodeParms /${key} is not an integer from ${min} to ${max}`);
  return v;
}

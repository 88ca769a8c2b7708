import { constants, inflateSync } from 'node:zlib';
import { PdfSignError } from '../errors';
import { PdfDict, PdfName, type PdfObject, type PdfStream } from './pdf-objects';

/**
 * Decodes the streams the signer must read itself: xref streams and object streams. PDF writers
 * use FlateDecode (with a PNG predictor for xref streams) for these in practice.
 */
export function decodeStream(stream: PdfStream, what: string): Buffer {
  const filters = asArray(stream.dict.get('Filter'));
  const parms = asArray(stream.dict.get('DecodeParms'));
  let data = stream.rawData();
  filters.forEach((f, i) => {
    if (!(f instanceof PdfName)) throw new PdfSignError('MALFORMED_PDF', `${what}: /Filter is not a name`);
    const p = parms[i];
    if (f.value === 'FlateDecode' || f.value === 'Fl') {
      data = applyPredictor(inflate(data, what), p instanceof PdfDict ? p : undefined, what);
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

function inflate(data: Buffer, what: string): Buffer {
  try {
    return inflateSync(data);
  } catch {
    try {
      // Some writers omit the final block; what was decoded is still usable.
      return inflateSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (e) {
      throw new PdfSignError('MALFORMED_PDF', `${what}: compressed data is corrupt (${(e as Error).message})`);
    }
  }
}

function applyPredictor(data: Buffer, parms: PdfDict | undefined, what: string): Buffer {
  const predictor = (parms?.get('Predictor') as number | undefined) ?? 1;
  if (predictor === 1) return data;
  const colors = (parms?.get('Colors') as number | undefined) ?? 1;
  const bpc = (parms?.get('BitsPerComponent') as number | undefined) ?? 8;
  const columns = (parms?.get('Columns') as number | undefined) ?? 1;
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLength = Math.ceil((colors * bpc * columns) / 8);
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

import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import UPNG from '@pdf-lib/upng';
import { PdfDict, type PdfRef, name } from '../core/pdf-objects';
import { NewStream } from '../core/serialize';
import { PdfSignError } from '../errors';
import type { UpdateObjects } from '../update/update-objects';

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly rgb: Buffer; // deflated
  readonly alpha?: Buffer; // deflated, absent when fully opaque
  /** The alpha as a 1-bit stencil (1 = not painted), deflated: PDF/A-1 forbids soft masks but allows these. */
  readonly stencil?: Buffer;
}

/** How an image's transparency is written: soft edges (/SMask), or hard ones for PDF/A-1 (/Mask). */
export type AlphaMode = 'soft-mask' | 'stencil-mask';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_PIXELS = 4096 * 4096;
const CACHE_LIMIT = 32;
const cache = new Map<string, DecodedImage>();

/** Decodes a PNG (the signature or seal image) once; later signatures reuse the compressed planes. */
export function decodePng(png: Buffer, what: string): DecodedImage {
  if (!Buffer.isBuffer(png) || png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new PdfSignError('BAD_IMAGE', `${what} is not a PNG file`);
  }
  const key = createHash('sha256').update(png).digest('hex');
  const hit = cache.get(key);
  if (hit) return hit;
  checkChunks(png, what);
  let rgba: Uint8Array;
  let width: number;
  let height: number;
  try {
    const img = UPNG.decode(png.buffer.slice(png.byteOffset, png.byteOffset + png.length) as ArrayBuffer);
    width = img.width;
    height = img.height;
    if (!(width > 0 && height > 0) || width * height > MAX_PIXELS) throw new Error(`unsupported size ${width}×${height}`);
    rgba = new Uint8Array(UPNG.toRGBA8(img)[0]);
  } catch (e) {
    throw new PdfSignError('BAD_IMAGE', `${what} is not a readable PNG (${(e as Error).message})`);
  }
  const pixels = width * height;
  if (rgba.length < pixels * 4) throw new PdfSignError('BAD_IMAGE', `${what} is not a readable PNG (truncated pixel data)`);
  const rgb = Buffer.allocUnsafe(pixels * 3);
  const alpha = Buffer.allocUnsafe(pixels);
  let opaque = true;
  for (let i = 0; i < pixels; i++) {
    rgb[i * 3] = rgba[i * 4];
    rgb[i * 3 + 1] = rgba[i * 4 + 1];
    rgb[i * 3 + 2] = rgba[i * 4 + 2];
    alpha[i] = rgba[i * 4 + 3];
    if (alpha[i] !== 255) opaque = false;
  }
  const decoded: DecodedImage = { width, height, rgb: deflateSync(rgb), ...(opaque ? {} : { alpha: deflateSync(alpha), stencil: deflateSync(stencilOf(alpha, width, height)) }) };
  cache.set(key, decoded);
  if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  return decoded;
}

/** Rows of 1-bit samples padded to whole bytes; a pixel less than half opaque is masked out. */
function stencilOf(alpha: Buffer, width: number, height: number): Buffer {
  const rowBytes = Math.ceil(width / 8);
  const bits = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (alpha[y * width + x] < 128) bits[y * rowBytes + (x >> 3)] |= 0x80 >> (x & 7);
    }
  }
  return bits;
}

export function addImageObjects(objects: UpdateObjects, image: DecodedImage, alphaMode: AlphaMode): PdfRef {
  const base = (colorSpace: string) =>
    new PdfDict([
      ['Type', name('XObject')],
      ['Subtype', name('Image')],
      ['Width', image.width],
      ['Height', image.height],
      ['ColorSpace', name(colorSpace)],
      ['BitsPerComponent', 8],
      ['Filter', name('FlateDecode')],
    ]);
  const dict = base('DeviceRGB');
  if (image.alpha && alphaMode === 'soft-mask') dict.set('SMask', objects.add(new NewStream(base('DeviceGray'), image.alpha)));
  if (image.stencil && alphaMode === 'stencil-mask') {
    const mask = new PdfDict([
      ['Type', name('XObject')],
      ['Subtype', name('Image')],
      ['Width', image.width],
      ['Height', image.height],
      ['ImageMask', true],
      ['BitsPerComponent', 1],
      ['Filter', name('FlateDecode')],
    ]);
    dict.set('Mask', objects.add(new NewStream(mask, image.stencil)));
  }
  return objects.add(new NewStream(dict, image.rgb));
}

// UPNG loops forever on some truncated files, so the chunk structure is checked first.
function checkChunks(png: Buffer, what: string): void {
  let pos = 8;
  let sawHeader = false;
  while (pos + 12 <= png.length) {
    const length = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) break;
    if (pos + 12 + length > png.length) break;
    if (type === 'IHDR') sawHeader = true;
    if (type === 'IEND') {
      if (sawHeader) return;
      break;
    }
    pos += 12 + length;
  }
  throw new PdfSignError('BAD_IMAGE', `${what} is not a readable PNG (truncated or damaged chunk structure)`);
}

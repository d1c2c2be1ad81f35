// A synchronous PNG reader for tests that look at stored note images pixel by pixel (the app uses
// sharp, which is asynchronous): 8-bit, non-interlaced greyscale, grey+alpha, RGB and RGBA only.
import zlib from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Undoes the per-row filters of the inflated image data. */
function unfilter(raw: Buffer, height: number, stride: number, bpp: number): Uint8Array | null {
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[row + x - bpp] : 0;
      const b = y > 0 ? px[row - stride + x] : 0;
      const c = x >= bpp && y > 0 ? px[row - stride + x - bpp] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined) return null;
      px[row + x] = (raw[src + x] + predictor) & 0xff;
    }
  }
  return px;
}

export function decodePng(buf: Buffer): DecodedPng | null {
  if (buf.length < 33 || buf.toString('latin1', 1, 4) !== 'PNG') return null;
  let pos = 8;
  let header: Buffer | null = null;
  const idat: Buffer[] = [];
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') header = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (!header || header[8] !== 8 || header[12] !== 0 || !(header[9] in CHANNELS)) return null;
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const channels = CHANNELS[header[9]];
  const pixels = unfilter(zlib.inflateSync(Buffer.concat(idat)), height, width * channels, channels);
  return pixels && { width, height, channels, pixels };
}

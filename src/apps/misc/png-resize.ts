// Downscaling of PNG note images with node:zlib alone (no image library in the stack): 8-bit,
// non-interlaced greyscale, grey+alpha, RGB, RGBA and palette images are resampled with an
// area average and re-encoded (palette images become RGBA). Anything else returns null and the
// caller keeps the original file.
import zlib from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface Decoded {
  width: number;
  height: number;
  channels: number;
  colorType: number;
  pixels: Uint8Array;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Width and height from the IHDR chunk, or null when the buffer is not a PNG. */
export function pngSize(buf: Buffer): { width: number; height: number } | null {
  if (buf.length < 24 || !buf.subarray(0, 8).equals(SIGNATURE) || buf.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** Decodes a supported PNG (see the module comment) to raw pixels, or null. */
export function decodePng(buf: Buffer): Decoded | null {
  if (!pngSize(buf)) return null;
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  let palette: Buffer | null = null;
  let alpha: Buffer | null = null;
  const idat: Buffer[] = [];
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (data.length !== len) return null;
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const depth = data[8];
      colorType = data[9];
      if (depth !== 8 || data[12] !== 0 || !(colorType in CHANNELS)) return null;
    } else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') alpha = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (!width || !height || width * height > 100_000_000) return null;
  const bpp = CHANNELS[colorType];
  const stride = width * bpp;
  let raw: Buffer;
  try {
    raw = zlib.inflateSync(Buffer.concat(idat));
  } catch {
    return null;
  }
  if (raw.length < (stride + 1) * height) return null;
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[row + x - bpp] : 0;
      const b = y > 0 ? px[row - stride + x] : 0;
      const c = x >= bpp && y > 0 ? px[row - stride + x - bpp] : 0;
      const v = raw[src + x];
      let out: number;
      switch (filter) {
        case 0: out = v; break;
        case 1: out = v + a; break;
        case 2: out = v + b; break;
        case 3: out = v + ((a + b) >> 1); break;
        case 4: out = v + paeth(a, b, c); break;
        default: return null;
      }
      px[row + x] = out & 0xff;
    }
  }
  if (colorType !== 3) return { width, height, channels: bpp, colorType, pixels: px };
  if (!palette) return null;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const idx = px[i];
    rgba[i * 4] = palette[idx * 3] ?? 0;
    rgba[i * 4 + 1] = palette[idx * 3 + 1] ?? 0;
    rgba[i * 4 + 2] = palette[idx * 3 + 2] ?? 0;
    rgba[i * 4 + 3] = alpha && idx < alpha.length ? alpha[idx] : 255;
  }
  return { width, height, channels: 4, colorType: 6, pixels: rgba };
}

/** Area-average resampling to (w, h). */
function resample(img: Decoded, w: number, h: number): Uint8Array {
  const { width, height, channels, pixels } = img;
  const out = new Uint8Array(w * h * channels);
  const sx = width / w;
  const sy = height / h;
  const acc = new Float64Array(channels);
  for (let y = 0; y < h; y++) {
    const y0 = y * sy;
    const y1 = y0 + sy;
    for (let x = 0; x < w; x++) {
      const x0 = x * sx;
      const x1 = x0 + sx;
      acc.fill(0);
      let total = 0;
      for (let yy = Math.floor(y0); yy < Math.min(height, Math.ceil(y1)); yy++) {
        const wy = Math.min(y1, yy + 1) - Math.max(y0, yy);
        for (let xx = Math.floor(x0); xx < Math.min(width, Math.ceil(x1)); xx++) {
          const wgt = wy * (Math.min(x1, xx + 1) - Math.max(x0, xx));
          const p = (yy * width + xx) * channels;
          for (let c = 0; c < channels; c++) acc[c] += pixels[p + c] * wgt;
          total += wgt;
        }
      }
      const o = (y * w + x) * channels;
      for (let c = 0; c < channels; c++) out[o + c] = Math.round(acc[c] / total);
    }
  }
  return out;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function encode(w: number, h: number, colorType: number, channels: number, pixels: Uint8Array): Buffer {
  const stride = w * channels;
  const raw = Buffer.alloc((stride + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * The PNG scaled down to `width` pixels wide (aspect ratio kept), the input itself when it is
 * already that narrow or narrower (never upscaled), or null when the format is not supported.
 */
export function resizePng(buf: Buffer, width: number): Buffer | null {
  const size = pngSize(buf);
  if (!size) return null;
  if (size.width <= width) return buf;
  const img = decodePng(buf);
  if (!img) return null;
  const w = Math.max(1, Math.floor(width));
  const h = Math.max(1, Math.round((img.height * w) / img.width));
  return encode(w, h, img.colorType, img.channels, resample(img, w, h));
}

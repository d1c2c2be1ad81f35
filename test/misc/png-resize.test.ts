import { describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { decodePng, pngSize, resizePng } from '../../src/apps/misc/png-resize.ts';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG whose rows use the given filter types in turn (all written as "none" data re-filtered). */
function makePng(w: number, h: number, colorType: number, channels: number, pixel: (x: number, y: number) => number[], extra: Buffer[] = []) {
  const stride = w * channels;
  const rows: Buffer[] = [];
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < h; y++) {
    const cur = Buffer.alloc(stride);
    for (let x = 0; x < w; x++) cur.set(pixel(x, y), x * channels);
    const filter = y % 3; // none, sub, up
    const out = Buffer.alloc(stride + 1);
    out[0] = filter;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels] : 0;
      const b = prev[i];
      out[i + 1] = (cur[i] - (filter === 1 ? a : filter === 2 ? b : 0)) & 0xff;
    }
    rows.push(out);
    prev = cur;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra,
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('resizePng', () => {
  it('downscales RGB with an area average and keeps the aspect ratio', () => {
    const png = makePng(20, 10, 2, 3, (x) => (x < 10 ? [0, 0, 0] : [255, 100, 50]));
    const out = resizePng(png, 2)!;
    expect(pngSize(out)).toEqual({ width: 2, height: 1 });
    expect([...decodePng(out)!.pixels]).toEqual([0, 0, 0, 255, 100, 50]);
    const half = decodePng(resizePng(png, 1)!)!;
    expect([...half.pixels]).toEqual([128, 50, 25]);
    expect(pngSize(resizePng(png, 5)!)).toEqual({ width: 5, height: 3 });
  });

  it('never upscales and returns the input unchanged when narrow enough', () => {
    const png = makePng(4, 4, 0, 1, () => [7]);
    expect(resizePng(png, 800)).toBe(png);
    expect(resizePng(png, 4)).toBe(png);
  });

  it('expands palette images to RGBA, with transparency', () => {
    const plte = chunk('PLTE', Buffer.from([255, 0, 0, 0, 0, 255]));
    const trns = chunk('tRNS', Buffer.from([0]));
    const png = makePng(4, 2, 3, 1, (x) => [x < 2 ? 0 : 1], [plte, trns]);
    const out = decodePng(resizePng(png, 2)!)!;
    expect(out.channels).toBe(4);
    expect([...out.pixels]).toEqual([255, 0, 0, 0, 0, 0, 255, 255]);
  });

  it('keeps grey+alpha and RGBA layouts', () => {
    const ga = decodePng(resizePng(makePng(4, 4, 4, 2, () => [10, 200]), 2)!)!;
    expect(ga.channels).toBe(2);
    expect([...ga.pixels.subarray(0, 2)]).toEqual([10, 200]);
    const rgba = decodePng(resizePng(makePng(6, 3, 6, 4, (x, y) => [x * 10, y * 10, 5, 255]), 3)!)!;
    expect([rgba.width, rgba.height]).toEqual([3, 2]);
  });

  it('returns null for what it cannot handle', () => {
    expect(resizePng(Buffer.from('not a png'), 10)).toBeNull();
    const png16 = makePng(20, 2, 0, 1, () => [1]);
    png16[24] = 16; // bit depth in IHDR (CRC now wrong, but we do not check it)
    expect(resizePng(png16, 10)).toBeNull();
    const truncated = makePng(20, 20, 2, 3, () => [1, 2, 3]).subarray(0, 60);
    expect(resizePng(truncated, 10)).toBeNull();
  });
});

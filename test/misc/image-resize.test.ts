import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { InvalidImageError, resizeImage, targetSize } from '../../src/apps/misc/image-resize.ts';
import { startTestApp, type TestApp } from '../helpers.ts';

const FORMATS = ['png', 'jpeg', 'gif', 'webp', 'tiff'] as const;
type Format = (typeof FORMATS)[number];

/** A plain image: the left half black, the right half orange. */
function image(format: Format, width: number, height: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = width / 2; x < width; x++) raw.set([255, 128, 0], (y * width + x) * 3);
  }
  return sharp(raw, { raw: { width, height, channels: 3 } }).toFormat(format).toBuffer();
}

/** An animation of `frames` frames of width x height. */
function animation(format: 'gif' | 'webp', width: number, height: number, frames: number): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * frames * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = Math.floor(i / (width * height * 3)) * 100;
  return sharp(raw, { raw: { width, height: height * frames, channels: 3, pageHeight: height } })
    .toFormat(format, { loop: 0, delay: Array(frames).fill(100) })
    .toBuffer();
}

describe('resizeImage', () => {
  it.each(FORMATS)('scales %s down to the width, keeping the format and the aspect ratio', async (format) => {
    const out = await resizeImage(await image(format, 400, 100), 100);
    const meta = await sharp(out).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual([format, 100, 25]);
    // the colours survive: the right edge is still orange
    const { data } = await sharp(out).removeAlpha().extract({ left: 95, top: 10, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    expect(Math.abs(data[0] - 255)).toBeLessThan(20);
    expect(Math.abs(data[1] - 128)).toBeLessThan(20);
    expect(data[2]).toBeLessThan(20);
  });

  it.each(FORMATS)('never upscales %s: a narrow image, or any with no width limit, is returned as sent', async (format) => {
    const small = await image(format, 40, 20);
    expect(await resizeImage(small, 800)).toBe(small);
    expect(await resizeImage(small, 40)).toBe(small);
    const big = await image(format, 400, 100);
    expect(await resizeImage(big, null)).toBe(big);
  });

  it.each(FORMATS)('refuses a truncated or corrupt %s', async (format) => {
    const good = await image(format, 400, 100);
    const truncated = good.subarray(0, Math.floor(good.length / 2));
    await expect(resizeImage(truncated, 100)).rejects.toBeInstanceOf(InvalidImageError);
    await expect(resizeImage(truncated, null)).rejects.toBeInstanceOf(InvalidImageError);
    const garbage = Buffer.concat([good.subarray(0, 16), Buffer.alloc(200, 0x5a)]);
    await expect(resizeImage(garbage, 100)).rejects.toBeInstanceOf(InvalidImageError);
  });

  it('turns images upright from their EXIF orientation', async () => {
    // stored 200x100, displayed 100x200 (orientation 6: rotate 90° clockwise)
    const sideways = await sharp(await image('jpeg', 200, 100)).withMetadata({ orientation: 6 }).toBuffer();
    let meta = await sharp(await resizeImage(sideways, 50)).metadata();
    expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([50, 100, 1]);
    // narrow enough, but still turned
    meta = await sharp(await resizeImage(sideways, 800)).metadata();
    expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([100, 200, 1]);
    // "orig" keeps the file as sent
    expect(await resizeImage(sideways, null)).toBe(sideways);
  });

  it.each(['gif', 'webp'] as const)('keeps every frame of an animated %s', async (format) => {
    const out = await resizeImage(await animation(format, 40, 10, 3), 20);
    const meta = await sharp(out, { animated: true }).metadata();
    expect([meta.format, meta.width, meta.pages, meta.pageHeight]).toEqual([format, 20, 3, 5]);
  });

  it('keeps palette PNGs as palette PNGs', async () => {
    const palette = await sharp(await image('png', 400, 100)).png({ palette: true }).toBuffer();
    const meta = await sharp(await resizeImage(palette, 100)).metadata();
    expect([meta.width, meta.isPalette]).toEqual([100, true]);
  });

  it('computes the new size as upstream: the width, the height in proportion, rounded', () => {
    expect(targetSize({ width: 1000, height: 20 }, 800)).toEqual({ width: 800, height: 16 });
    expect(targetSize({ width: 1000, height: 25 }, 60)).toEqual({ width: 60, height: 2 });
    expect(targetSize({ width: 1000, height: 1 }, 10)).toEqual({ width: 10, height: 1 });
    expect(targetSize({ width: 800, height: 20 }, 800)).toBeNull();
    expect(targetSize({ width: 8000, height: 20 }, null)).toBeNull();
  });
});

describe('POST /notes with images', () => {
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
  });

  function multipart(fields: Record<string, string>, filename: string, data: Buffer) {
    const boundary = '----imageboundary';
    const parts: Buffer[] = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(data, Buffer.from(`\r\n--${boundary}--\r\n`));
    return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
  }

  it('resizes every format to 800 px by default and refuses a corrupt image with a 400, storing nothing', async () => {
    t = await startTestApp();
    const subject = await t.post('/subjects', { nickname: 'image_subject', lab: 'cortexlab' });
    const fields = { user: 'test_admin', content_type: 'subject', object_id: subject.body.id };
    for (const format of FORMATS) {
      const { payload, headers } = multipart(fields, `wide.${format}`, await image(format, 1000, 50));
      const r = await t.request('POST', '/notes', payload, { headers });
      expect(r.status).toBe(201);
      const stored = fs.readFileSync(path.join(t.config.mediaDir, r.body.image.replace(/^.*\/uploaded\//, '')));
      const meta = await sharp(stored).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([format, 800, 40]);
    }
    const before = (await t.get('/notes')).body.count;
    const jpeg = await image('jpeg', 1000, 50);
    for (const width of ['100', 'orig']) {
      const { payload, headers } = multipart({ ...fields, width }, 'broken.jpg', Buffer.from(jpeg.subarray(0, jpeg.length / 2)));
      const r = await t.request('POST', '/notes', payload, { headers });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({
        image: ['Upload a valid image. The file you uploaded was either not an image or a corrupted image.'],
        status_code: 400,
      });
    }
    expect((await t.get('/notes')).body.count).toBe(before);
    expect(fs.readdirSync(t.config.mediaDir, { recursive: true }).some((f) => String(f).includes('broken'))).toBe(false);
  });
});

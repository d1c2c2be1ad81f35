// Resizing of note images with sharp (libvips): scaled down to a maximum width in their own format,
// turned upright from their EXIF orientation, animations kept frame by frame. A file sharp cannot
// decode to the last pixel is refused, as Django's ImageField refuses what Pillow cannot open.
import type { Metadata, SharpOptions } from 'sharp';

// sharp (a native library) is loaded on the first image, not when the server starts (bench:startup)
let sharpModule: Promise<typeof import('sharp')> | null = null;
async function sharp(data: Buffer, options: SharpOptions) {
  const { default: create } = await (sharpModule ??= import('sharp'));
  return create(data, options);
}

/** The upload is not an image sharp can decode (wrong format, corrupt or truncated data). */
export class InvalidImageError extends Error {}

/** Formats whose animations (several frames) are read and written whole. */
const ANIMATED_FORMATS = new Set(['gif', 'webp']);

/** Decoding errors abort (truncated or corrupt data); mere warnings, common in camera JPEGs, do not. */
const STRICT: SharpOptions = { failOn: 'error' };

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw new InvalidImageError(e instanceof Error ? e.message : String(e));
  }
}

/** Reading options for this image: every frame of an animation, decoding errors fatal. */
async function readOptions(data: Buffer): Promise<{ options: SharpOptions; meta: Metadata }> {
  const first = await guarded(async () => (await sharp(data, STRICT)).metadata());
  const animated = ANIMATED_FORMATS.has(first.format) && (first.pages ?? 1) > 1;
  if (!animated) return { options: STRICT, meta: first };
  const options = { ...STRICT, animated: true };
  return { options, meta: await guarded(async () => (await sharp(data, options)).metadata()) };
}

/** Size of one frame as displayed (after the EXIF orientation). */
function displayedSize(meta: Metadata): { width: number; height: number } {
  if ((meta.pages ?? 1) > 1 && meta.pageHeight) return { width: meta.width, height: meta.pageHeight };
  return meta.autoOrient ?? { width: meta.width, height: meta.height };
}

/** The new frame size: `maxWidth` wide, height in proportion (rounded, at least 1); null when narrow enough. */
export function targetSize(size: { width: number; height: number }, maxWidth: number | null): { width: number; height: number } | null {
  if (maxWidth === null || size.width <= maxWidth) return null;
  const width = Math.max(1, Math.floor(maxWidth));
  return { width, height: Math.max(1, Math.round((size.height * width) / size.width)) };
}

/**
 * The image as stored for a note: at most `maxWidth` pixels wide (null: any width), upright, in its
 * own format (palette PNGs stay palette PNGs). The input itself when it needs neither (never
 * upscaled), after checking that it decodes. Throws InvalidImageError for what does not decode.
 */
export async function resizeImage(data: Buffer, maxWidth: number | null): Promise<Buffer> {
  const { options, meta } = await readOptions(data);
  const target = targetSize(displayedSize(meta), maxWidth);
  const turned = maxWidth !== null && (meta.orientation ?? 1) !== 1;
  if (!target && !turned) {
    await guarded(async () => (await sharp(data, options)).stats());
    return data;
  }
  const pipeline = await sharp(data, { ...options, autoOrient: true });
  if (target) pipeline.resize({ ...target, fit: 'fill' });
  const formatOptions = meta.format === 'png' ? { palette: meta.isPalette } : {};
  return guarded(() => pipeline.toFormat(meta.format, formatOptions).toBuffer());
}

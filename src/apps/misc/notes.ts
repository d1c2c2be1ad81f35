// /notes (spec-core §2.3) with image uploads stored under the media directory, and
// GET /uploaded/<path>, which serves those files (upstream only echoes the path; the fork serves them).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { asc, eq, getTableColumns } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { FastifyInstance } from 'fastify';
import { contentTypeLabel, modelByContentType } from '../../db/models.ts';
import type { Services } from '../app.ts';
import { invalid, notFound, validationError } from '../../rest/errors.ts';
import { column, custom, related, type Row } from '../../rest/fields.ts';
import { defineResource } from '../../rest/resource.ts';
import { nowInZone, todayInZone } from '../../rest/values.ts';
import { InvalidImageError, resizeImage } from './image-resize.ts';
import { withIdAndJson } from './reference.ts';
import { notes, users } from './tables.ts';

/** App labels a note may be attached to (upstream's limit on Note.content_type). */
export const NOTE_APPS = ['actions', 'data', 'experiments', 'jobs', 'subjects'];

export interface Upload {
  filename: string;
  mimetype?: string;
  data: Buffer;
}

/** Recognises the image formats upstream (Pillow) accepts in practice, from their magic bytes. */
export function imageExtension(data: Buffer): string | null {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return '.png';
  if (starts(0xff, 0xd8, 0xff)) return '.jpg';
  if (data.subarray(0, 6).toString('latin1') === 'GIF87a' || data.subarray(0, 6).toString('latin1') === 'GIF89a') return '.gif';
  if (data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP') return '.webp';
  if (starts(0x42, 0x4d)) return '.bmp';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return '.tif';
  return null;
}

/** Django's get_valid_filename on the base name: spaces to "_", only [-\w.] kept. */
export function safeBaseName(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? '';
  return base.trim().replace(/ /g, '_').replace(/[^-\p{L}\p{N}_.]/gu, '');
}

/** "YYYY/MM/DD/<basename>.<object_id><ext>", dated on the upload day. */
export function notePath(filename: string, objectId: string, day: string, fallbackExt: string): string {
  let safe = safeBaseName(filename);
  if (/^\.*$/.test(safe)) safe = '';
  const dot = safe.lastIndexOf('.');
  let stem = dot > 0 ? safe.slice(0, dot) : safe;
  const ext = (dot > 0 ? safe.slice(dot) : fallbackExt).slice(0, 10);
  if (!stem || stem === '.' || stem === '..') stem = 'image';
  stem = stem.slice(0, 150);
  return `${day.replace(/-/g, '/')}/${stem}.${objectId}${ext}`;
}

const MIME: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

/** UPLOADED_IMAGE_WIDTH of upstream. */
export const DEFAULT_IMAGE_WIDTH = 800;

/** The `width` form field: a target width, null for "orig", undefined when invalid. */
export function imageWidth(raw: unknown): number | null | undefined {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_IMAGE_WIDTH;
  const v = String(raw).trim();
  if (v === 'orig') return null;
  if (!/^\d+$/.test(v) || Number(v) <= 0 || Number(v) > 100_000) return undefined;
  return Number(v);
}

const INVALID_IMAGE = 'Upload a valid image. The file you uploaded was either not an image or a corrupted image.';

/** Extensions (from imageExtension) of the formats sharp decodes; BMP it cannot, so it is kept as sent. */
const DECODED_EXTENSIONS = new Set(['.png', '.jpg', '.gif', '.webp', '.tif']);

/**
 * The bytes stored for an upload, as upstream: 800 px wide unless `width` says otherwise ("orig"
 * keeps the file as sent), never upscaled, format kept. A file that does not decode is refused.
 */
async function storedImage(upload: Upload, ext: string, width: number | null): Promise<Buffer> {
  if (!DECODED_EXTENSIONS.has(ext)) return upload.data;
  try {
    return await resizeImage(upload.data, width);
  } catch (e) {
    if (e instanceof InvalidImageError) throw validationError({ image: [INVALID_IMAGE] });
    throw e;
  }
}

function isUpload(v: unknown): v is Upload {
  return typeof v === 'object' && v !== null && Buffer.isBuffer((v as Upload).data);
}

function resolveContentType(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw invalid('This field may not be blank.');
  const m = modelByContentType(raw);
  if (m === 'ambiguous') throw invalid(`"${raw}" names models of several apps; use "<app_label>.<model>".`);
  if (!m || !NOTE_APPS.includes(m.app)) {
    throw invalid(`"${raw}" is not a known content type; use "<app_label>.<model>" or "<model>" of the apps ${NOTE_APPS.join(', ')}.`);
  }
  return contentTypeLabel(m);
}

export const noteResource = defineResource({
  path: 'notes',
  admin: {
    menu: 'Actions',
    columns: ['user', 'date_time', 'content_type', 'text', 'image'],
    search: ['text', 'user__username'],
    ordering: ['-date_time'],
    dateHierarchy: 'date_time',
    labels: { date_time: 'Date', content_type: 'Attached to (type)', object_id: 'Attached to (id)' },
    hidden: ['id', 'json'],
  },
  table: notes,
  description: 'Notes (text and an optional image) attached to any subject, session, dataset... by content type and id.',
  fields: withIdAndJson(notes, {
    user: related(notes.user, users, { slug: 'username', required: true }),
    date_time: column(notes.date_time, { default: (ctx) => nowInZone(ctx.config.timeZone) }),
    content_type: custom({
      source: 'content_type',
      required: true,
      schema: { type: 'string', description: '"<app_label>.<model>" (e.g. subjects.subject) or "<model>"' },
      render: () => (row) => row.content_type,
      parse: (raw) => resolveContentType(raw),
      columns: (value) => ({ content_type: value }),
    }),
    object_id: column(notes.object_id, { required: true }),
    text: column(notes.text),
    image: custom({
      nullable: true,
      schema: { type: 'string', format: 'binary', nullable: true, description: 'multipart file upload; rendered as the absolute URL of the stored file' },
      render: (_rows, ctx) => (row) =>
        row.image ? `${ctx.baseUrl}/uploaded/${String(row.image).split('/').map(encodeURIComponent).join('/')}` : null,
      parse(raw) {
        if (raw === null || raw === '' || raw === undefined) return null;
        if (!isUpload(raw)) throw invalid('The submitted data was not a file. Check the encoding type on the form.');
        if (raw.data.length === 0) throw invalid('The submitted file is empty.');
        if (!imageExtension(raw.data)) throw invalid(INVALID_IMAGE);
        return raw;
      },
    }),
  }),
  ordering: (t) => [asc(t.date_time)],
  async validate(state, ctx) {
    if (state.data.image && imageWidth(state.raw.width) === undefined) {
      throw validationError({ width: ['Enter "orig" or a positive whole number of pixels.'] });
    }
    const merged = { ...(state.instance ?? {}), ...state.data } as Row;
    if (!('content_type' in state.data) && !('object_id' in state.data)) return;
    const m = modelByContentType(String(merged.content_type));
    if (!m || m === 'ambiguous') return;
    const cols = getTableColumns(m.table) as Record<string, AnyPgColumn>;
    const found = await ctx.db.select({ id: cols.id }).from(m.table).where(eq(cols.id, merged.object_id as string)).limit(1);
    if (found.length === 0) {
      throw validationError({ object_id: [`Object with id=${String(merged.object_id)} does not exist in ${contentTypeLabel(m)}.`] });
    }
  },
  beforeWrite(values, state) {
    if ('image' in state.data && state.data.image === null) values.image = null;
  },
  async afterWrite(row, state, ctx) {
    const upload = state.data.image;
    if (!isUpload(upload)) return;
    const ext = imageExtension(upload.data) ?? '';
    // validate() refused an invalid width (undefined); a failure here rolls the note back with a 400
    const width = imageWidth(state.raw.width);
    const data = await storedImage(upload, ext, width === undefined ? DEFAULT_IMAGE_WIDTH : width);
    let rel = notePath(upload.filename ?? 'image', String(row.object_id), todayInZone(ctx.config.timeZone), ext);
    const media = path.resolve(ctx.config.mediaDir);
    if (fs.existsSync(path.join(media, rel))) {
      const dot = rel.lastIndexOf('.');
      rel = `${rel.slice(0, dot)}_${crypto.randomBytes(4).toString('hex').slice(0, 7)}${rel.slice(dot)}`;
    }
    const abs = path.join(media, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, data);
    await ctx.db.update(notes).set({ image: rel }).where(eq(notes.id, row.id as string));
  },
});

/** GET /uploaded/<path>: the stored file, for authenticated users. */
export function uploadedRoutes(app: FastifyInstance, services: Services): void {
  app.get('/uploaded/*', async (request, reply) => {
    const rel = (request.params as { '*': string })['*'] ?? '';
    const media = path.resolve(services.config.mediaDir);
    const abs = path.resolve(media, rel);
    if (!rel || !abs.startsWith(media + path.sep)) throw notFound();
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw notFound();
    }
    if (!stat.isFile()) throw notFound();
    reply.type(MIME[path.extname(abs).toLowerCase()] ?? 'application/octet-stream');
    reply.header('content-length', stat.size);
    return reply.send(fs.createReadStream(abs));
  });
}

// Reading a Django `manage.py dumpdata` export: a JSON list of {model, pk, fields}, plain or gzipped.
import fs from 'node:fs';
import zlib from 'node:zlib';

export interface DumpRow {
  model: string;
  pk: unknown;
  fields: Record<string, unknown>;
}

export class DumpFormatError extends Error {}

/** Parses dump text (or gzip bytes, recognised by their magic number) and checks its shape. */
export function parseDump(data: Buffer | string): DumpRow[] {
  let text: string;
  if (Buffer.isBuffer(data)) {
    const gz = data.length > 2 && data[0] === 0x1f && data[1] === 0x8b;
    try {
      text = (gz ? zlib.gunzipSync(data) : data).toString('utf8');
    } catch (e) {
      throw new DumpFormatError(`not a valid gzip file: ${(e as Error).message}`);
    }
  } else text = data;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new DumpFormatError(`not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new DumpFormatError('a dumpdata export is a JSON list of objects');
  parsed.forEach((r, i) => {
    const row = r as Partial<DumpRow> | null;
    if (!row || typeof row !== 'object' || typeof row.model !== 'string' || !row.model.includes('.')) {
      throw new DumpFormatError(`item ${i} has no "model" label such as "subjects.subject"`);
    }
    if (row.fields === undefined) row.fields = {};
    if (typeof row.fields !== 'object' || row.fields === null || Array.isArray(row.fields)) {
      throw new DumpFormatError(`item ${i} (${row.model}) has no "fields" object`);
    }
    row.model = row.model.toLowerCase();
  });
  return parsed as DumpRow[];
}

export function readDumpFile(file: string): DumpRow[] {
  if (!fs.existsSync(file)) throw new DumpFormatError(`${file} does not exist`);
  return parseDump(fs.readFileSync(file));
}

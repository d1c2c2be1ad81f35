// Reading a Django `manage.py dumpdata` export: a JSON list of {model, pk, fields}, plain or gzipped.
// Files are streamed object by object (dumps may exceed the largest JavaScript string).
import fs from 'node:fs';
import type { Readable } from 'node:stream';
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
  return parsed.map(checkRow);
}

function checkRow(r: unknown, i: number): DumpRow {
  const row = r as Partial<DumpRow> | null;
  if (!row || typeof row !== 'object' || typeof row.model !== 'string' || !row.model.includes('.')) {
    throw new DumpFormatError(`item ${i} has no "model" label such as "subjects.subject"`);
  }
  if (row.fields === undefined) row.fields = {};
  if (typeof row.fields !== 'object' || row.fields === null || Array.isArray(row.fields)) {
    throw new DumpFormatError(`item ${i} (${row.model}) has no "fields" object`);
  }
  row.model = row.model.toLowerCase();
  return row as DumpRow;
}

/** Reads a whole dump file into a list (small dumps, tests); `streamDumpFile` is the bounded-memory way. */
export async function readDumpFile(file: string): Promise<DumpRow[]> {
  const rows: DumpRow[] = [];
  for await (const row of streamDumpFile(file)) rows.push(row);
  return rows;
}

/** Refuses a path that is not a readable file before anything else is opened. */
export function checkDumpFile(file: string): void {
  if (!fs.existsSync(file)) throw new DumpFormatError(`${file} does not exist`);
  if (!fs.statSync(file).isFile()) throw new DumpFormatError(`${file} is not a file`);
}

/**
 * Reads a dump file (plain or gzipped) as a stream, yielding one object of the top-level list at a
 * time: neither the text nor the rows are held whole, so dumps larger than the biggest JavaScript
 * string (about 512 MB) load too, in bounded memory.
 */
export async function* streamDumpFile(file: string): AsyncGenerator<DumpRow> {
  checkDumpFile(file);
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, head, 0, 2, 0);
  fs.closeSync(fd);
  const gz = head[0] === 0x1f && head[1] === 0x8b;
  const source: Readable = gz ? fs.createReadStream(file).pipe(zlib.createGunzip()) : fs.createReadStream(file);
  source.setEncoding('utf8');
  let count = 0;
  let state: 'before' | 'between' | 'object' | 'after' = 'before';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let pending = '';
  try {
    for await (const chunk of source as AsyncIterable<string>) {
      let start = state === 'object' ? 0 : -1;
      for (let i = 0; i < chunk.length; i++) {
        const ch = chunk[i];
        if (state === 'object') {
          if (inString) {
            if (escaped) escaped = false;
            else if (ch === '\\') escaped = true;
            else if (ch === '"') inString = false;
          } else if (ch === '"') inString = true;
          else if (ch === '{' || ch === '[') depth++;
          else if (ch === '}' || ch === ']') {
            depth--;
            if (depth === 0) {
              const text = pending + chunk.slice(start, i + 1);
              pending = '';
              let obj: unknown;
              try {
                obj = JSON.parse(text);
              } catch (e) {
                throw new DumpFormatError(`not valid JSON in item ${count}: ${(e as Error).message}`);
              }
              yield checkRow(obj, count++);
              state = 'between';
              start = -1;
            }
          }
          continue;
        }
        if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\ufeff') continue;
        if (state === 'before') {
          if (ch !== '[') throw new DumpFormatError('a dumpdata export is a JSON list of objects');
          state = 'between';
        } else if (state === 'between') {
          if (ch === ',') continue;
          if (ch === ']') state = 'after';
          else if (ch === '{') {
            state = 'object';
            depth = 1;
            start = i;
          } else throw new DumpFormatError(`item ${count} is not an object`);
        } else throw new DumpFormatError('unexpected text after the end of the list');
      }
      if (state === 'object') pending += chunk.slice(start);
    }
  } catch (e) {
    if (e instanceof DumpFormatError) throw e;
    throw new DumpFormatError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const end = state as string;
  if (end !== 'after') throw new DumpFormatError(end === 'before' ? 'the file is empty' : 'the file ends in the middle of the list (truncated?)');
}

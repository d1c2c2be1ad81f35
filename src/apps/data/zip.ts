// A minimal zip writer (no dependency): members are files on disk, copied in chunks so memory
// stays flat whatever their size. Parquet members are already compressed, so every member is
// "stored" (method 0) except small JSON ones, which are deflated. No zip64: members and the
// archive must stay under 4 GiB (the cache tables of a lab are far below that).
import fs from 'node:fs';
import zlib from 'node:zlib';

export interface ZipMember {
  /** name inside the archive (flat, e.g. "datasets.pqt") */
  name: string;
  /** file to read the content from */
  file: string;
}

const CHUNK = 1 << 20;

function dosDateTime(d: Date): { time: number; date: number } {
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** Reads `file` in chunks (the buffer is reused: `use` must not keep it). */
function forEachChunk(file: string, use: (chunk: Buffer) => void): void {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      use(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
}

function crcOfFile(file: string): { crc: number; size: number } {
  let crc = 0;
  let size = 0;
  forEachChunk(file, (chunk) => {
    crc = zlib.crc32(chunk, crc);
    size += chunk.length;
  });
  return { crc, size };
}

interface EntryFields {
  deflate: boolean;
  time: number;
  date: number;
  crc: number;
  csize: number;
  size: number;
  nameLength: number;
}

/**
 * The fields the local header and the central directory entry share, in the same order from
 * "version needed" to the name length: at offset 4 of the local header, 6 of the central entry.
 */
function writeEntryFields(buf: Buffer, at: number, e: EntryFields): void {
  buf.writeUInt16LE(20, at); // version needed
  buf.writeUInt16LE(0x0800, at + 2); // UTF-8 names
  buf.writeUInt16LE(e.deflate ? 8 : 0, at + 4);
  buf.writeUInt16LE(e.time, at + 6);
  buf.writeUInt16LE(e.date, at + 8);
  buf.writeUInt32LE(e.crc >>> 0, at + 10);
  buf.writeUInt32LE(e.csize, at + 14);
  buf.writeUInt32LE(e.size, at + 18);
  buf.writeUInt16LE(e.nameLength, at + 22);
}

/** Writes `dest` as a zip of the members, in order. */
export function writeZip(dest: string, members: ZipMember[], now = new Date()): void {
  const out = fs.openSync(dest, 'w');
  const central: Buffer[] = [];
  let offset = 0;
  const put = (b: Buffer) => {
    fs.writeSync(out, b);
    offset += b.length;
  };
  const { time, date } = dosDateTime(now);
  try {
    for (const m of members) {
      const name = Buffer.from(m.name, 'utf8');
      const deflate = m.name.endsWith('.json');
      let crc: number;
      let size: number;
      let body: Buffer | null = null;
      if (deflate) {
        const content = fs.readFileSync(m.file);
        crc = zlib.crc32(content);
        size = content.length;
        body = zlib.deflateRawSync(content);
      } else {
        ({ crc, size } = crcOfFile(m.file));
      }
      const csize = body ? body.length : size;
      if (size > 0xfffffffe || offset > 0xfffffffe) throw new Error(`${m.name}: zip member too large (no zip64 support)`);
      const entry: EntryFields = { deflate, time, date, crc, csize, size, nameLength: name.length };
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      writeEntryFields(local, 4, entry);
      local.writeUInt16LE(0, 28);
      const headerOffset = offset;
      put(local);
      put(name);
      if (body) put(body);
      else forEachChunk(m.file, put);
      const cen = Buffer.alloc(46);
      cen.writeUInt32LE(0x02014b50, 0);
      cen.writeUInt16LE(20, 4); // version made by
      writeEntryFields(cen, 6, entry);
      cen.writeUInt32LE(headerOffset, 42);
      central.push(cen, name);
    }
    const cdOffset = offset;
    let cdSize = 0;
    for (const b of central) {
      put(b);
      cdSize += b.length;
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(members.length, 8);
    end.writeUInt16LE(members.length, 10);
    end.writeUInt32LE(cdSize, 12);
    end.writeUInt32LE(cdOffset, 16);
    put(end);
  } finally {
    fs.closeSync(out);
  }
}

/** Reads a zip written by writeZip (stored or deflated members) into name → content; for tests and checks. */
export function readZip(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory');
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const csize = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataStart, dataStart + csize);
    const content = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    if (zlib.crc32(content) >>> 0 !== crc) throw new Error(`${name}: CRC mismatch`);
    out.set(name, content);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

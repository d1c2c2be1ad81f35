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

function crcOfFile(file: string): { crc: number; size: number } {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  let crc = 0;
  let size = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      crc = zlib.crc32(buf.subarray(0, n), crc);
      size += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { crc, size };
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
      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4); // version needed
      local.writeUInt16LE(0x0800, 6); // UTF-8 names
      local.writeUInt16LE(deflate ? 8 : 0, 8);
      local.writeUInt16LE(time, 10);
      local.writeUInt16LE(date, 12);
      local.writeUInt32LE(crc >>> 0, 14);
      local.writeUInt32LE(csize, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);
      const headerOffset = offset;
      put(local);
      put(name);
      if (body) put(body);
      else {
        const fd = fs.openSync(m.file, 'r');
        const buf = Buffer.allocUnsafe(CHUNK);
        try {
          for (;;) {
            const n = fs.readSync(fd, buf, 0, CHUNK, null);
            if (n === 0) break;
            put(buf.subarray(0, n));
          }
        } finally {
          fs.closeSync(fd);
        }
      }
      const cen = Buffer.alloc(46);
      cen.writeUInt32LE(0x02014b50, 0);
      cen.writeUInt16LE(20, 4); // version made by
      cen.writeUInt16LE(20, 6);
      cen.writeUInt16LE(0x0800, 8);
      cen.writeUInt16LE(deflate ? 8 : 0, 10);
      cen.writeUInt16LE(time, 12);
      cen.writeUInt16LE(date, 14);
      cen.writeUInt32LE(crc >>> 0, 16);
      cen.writeUInt32LE(csize, 20);
      cen.writeUInt32LE(size, 24);
      cen.writeUInt16LE(name.length, 28);
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

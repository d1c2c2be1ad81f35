// The `ARROW:schema` key of a parquet file: the Arrow schema as an encapsulated IPC message
// (flatbuffer), base64. pyarrow (hence pandas, hence ONE) restores the Arrow types from it, in
// particular the ordered dictionary type of the datasets table's `qc` column, which plain parquet
// cannot express. Only the few types the cache tables use are encoded. A tiny flatbuffer writer
// lays out each object after its parent and patches the forward offsets.

export type ArrowType =
  | { kind: 'utf8' }
  | { kind: 'bool' }
  | { kind: 'date32' }
  | { kind: 'int'; bitWidth: 8 | 16 | 32 | 64; signed: boolean };

export interface ArrowField {
  name: string;
  type: ArrowType;
  nullable: boolean;
  /** dictionary-encoded values of `type`, with int indices of this width */
  dictionary?: { id: number; indexBitWidth: 8 | 16 | 32; ordered: boolean };
}

type Scalar = { kind: 'u8' | 'bool' | 'i16' | 'i32'; value: number } | { kind: 'i64'; value: bigint };
type Node = { table: Array<[number, Scalar | Node]> } | { string: string } | { vector: Node[] };

const SIZE = { u8: 1, bool: 1, i16: 2, i32: 4, i64: 8 } as const;
const isScalar = (v: Scalar | Node): v is Scalar => 'kind' in v;

class Builder {
  private bytes: number[] = [];
  get pos(): number {
    return this.bytes.length;
  }
  align(n: number): void {
    while (this.bytes.length % n) this.bytes.push(0);
  }
  private put(n: number, size: number, at = -1): void {
    const b = Buffer.alloc(size);
    if (size === 1) b.writeUInt8(n & 0xff);
    else if (size === 2) b.writeInt16LE(n);
    else b.writeInt32LE(n);
    if (at < 0) this.bytes.push(...b);
    else for (let i = 0; i < size; i++) this.bytes[at + i] = b[i];
  }
  private putI64(v: bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(v);
    this.bytes.push(...b);
  }
  u32At(at: number, v: number): void {
    this.put(v, 4, at);
  }

  write(node: Node): number {
    if ('string' in node) {
      this.align(4);
      const at = this.pos;
      const data = Buffer.from(node.string, 'utf8');
      this.put(data.length, 4);
      this.bytes.push(...data, 0);
      return at;
    }
    if ('vector' in node) {
      this.align(4);
      const at = this.pos;
      this.put(node.vector.length, 4);
      const slots = node.vector.map(() => {
        const slot = this.pos;
        this.put(0, 4);
        return slot;
      });
      node.vector.forEach((child, i) => this.u32At(slots[i], this.write(child) - slots[i]));
      return at;
    }
    // table: vtable first, then the table (8-aligned), fields by decreasing size
    const fields = [...node.table].sort((a, b) => sizeOf(b[1]) - sizeOf(a[1]));
    const numFields = Math.max(-1, ...node.table.map(([id]) => id)) + 1;
    const offsets = new Map<number, number>();
    let cursor = 4;
    for (const [id, v] of fields) {
      const size = sizeOf(v);
      cursor = Math.ceil(cursor / size) * size;
      offsets.set(id, cursor);
      cursor += size;
    }
    const inlineSize = Math.ceil(cursor / 4) * 4;
    this.align(4);
    const vtable = this.pos;
    this.put(4 + 2 * numFields, 2);
    this.put(inlineSize, 2);
    for (let id = 0; id < numFields; id++) this.put(offsets.get(id) ?? 0, 2);
    this.align(8);
    const table = this.pos;
    for (let i = 0; i < inlineSize; i++) this.bytes.push(0);
    this.put(table - vtable, 4, table);
    const children: Array<[number, Node]> = [];
    for (const [id, v] of fields) {
      const at = table + offsets.get(id)!;
      if (isScalar(v)) {
        if (v.kind === 'i64') {
          const b = Buffer.alloc(8);
          b.writeBigInt64LE(v.value);
          for (let i = 0; i < 8; i++) this.bytes[at + i] = b[i];
        } else this.put(v.value, SIZE[v.kind], at);
      } else children.push([at, v]);
    }
    for (const [at, child] of children) this.u32At(at, this.write(child) - at);
    return table;
  }

  finish(root: Node): Buffer {
    this.put(0, 4);
    this.u32At(0, this.write(root));
    this.align(8);
    void this.putI64;
    return Buffer.from(this.bytes);
  }
}

function sizeOf(v: Scalar | Node): number {
  return isScalar(v) ? SIZE[v.kind] : 4;
}

const u8 = (value: number): Scalar => ({ kind: 'u8', value });
const bool = (value: boolean): Scalar => ({ kind: 'bool', value: value ? 1 : 0 });
const i16 = (value: number): Scalar => ({ kind: 'i16', value });
const i32 = (value: number): Scalar => ({ kind: 'i32', value });
const i64 = (value: number): Scalar => ({ kind: 'i64', value: BigInt(value) });
const str = (string: string): Node => ({ string });

// Type union member ids (Schema.fbs) and their tables
function typeOf(t: ArrowType): [number, Node] {
  switch (t.kind) {
    case 'int':
      return [2, { table: [[0, i32(t.bitWidth)], [1, bool(t.signed)]] }];
    case 'utf8':
      return [5, { table: [] }];
    case 'bool':
      return [6, { table: [] }];
    case 'date32':
      return [8, { table: [[0, i16(0)]] }]; // DateUnit.DAY
  }
}

function fieldNode(f: ArrowField): Node {
  const [typeId, typeTable] = typeOf(f.type);
  const table: Array<[number, Scalar | Node]> = [
    [0, str(f.name)],
    [1, bool(f.nullable)],
    [2, u8(typeId)],
    [3, typeTable],
    [5, { vector: [] }],
  ];
  if (f.dictionary) {
    table.push([
      4,
      {
        table: [
          [0, i64(f.dictionary.id)],
          [1, { table: [[0, i32(f.dictionary.indexBitWidth)], [1, bool(true)]] }],
          [2, bool(f.dictionary.ordered)],
        ],
      },
    ]);
  }
  return { table };
}

/** The serialized schema message (continuation marker, length, flatbuffer), base64-encoded. */
export function arrowSchemaBase64(fields: ArrowField[], metadata: Array<[string, string]> = []): string {
  const schema: Node = {
    table: [
      [0, i16(0)], // little endian
      [1, { vector: fields.map(fieldNode) }],
      // pyarrow takes the schema metadata from here when this key is present
      [2, { vector: metadata.map(([k, v]) => ({ table: [[0, str(k)], [1, str(v)]] }) as Node) }],
    ],
  };
  const message: Node = {
    table: [
      [0, i16(4)], // MetadataVersion V5
      [1, u8(1)], // MessageHeader.Schema
      [2, schema],
      [3, i64(0)], // no body
    ],
  };
  const fb = new Builder().finish(message);
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0xffffffff, 0);
  head.writeInt32LE(fb.length, 4);
  return Buffer.concat([head, fb]).toString('base64');
}

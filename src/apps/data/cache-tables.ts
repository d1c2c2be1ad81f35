// ONE remote cache tables: sessions.pqt, datasets.pqt, cache_info.json and cache.zip, as upstream's
// `one_cache --compress` writes them (spec-data §7). Rows are read with keyset pagination in
// batches and each batch becomes one parquet row group, so memory stays flat whatever the number
// of datasets. Parquet is written with hyparquet-writer (pure JS, no native build, supports
// incremental row groups and key-value metadata).
import fs from 'node:fs';
import path from 'node:path';
import { and, desc, eq, inArray, isNotNull, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { SchemaElement } from 'hyparquet';
import type { Queryable } from '../../db/client.ts';
import { QC_CATEGORIES } from '../actions/qc.ts';
import { labs } from '../misc/tables.ts';
import { projects, subjects } from '../subjects/tables.ts';
import { sessionProjects, sessions } from '../actions/tables.ts';
import { cacheDatasetRow, isTagged, selectDatasetRows, type DatasetRow } from './dataset-rows.ts';
import { dataRepositories, datasets, fileRecords, revisions, tags as tagTable } from './tables.ts';
import { arrowSchemaBase64, type ArrowField } from './arrow-schema.ts';
import type { Writer } from 'hyparquet-writer/src/types.js';
import { writeZip } from './zip.ts';
import { inIds } from '../../db/ids.ts';

// hyparquet-writer is loaded when tables are built, not when the server starts (bench:startup)
const loadWriter = async () => ({
  ...(await import('hyparquet-writer')),
  ...(await import('hyparquet-writer/src/dictionary.js')),
  ...(await import('hyparquet-writer/src/datapage.js')),
  ...(await import('hyparquet-writer/src/unconvert.js')),
});
let writerModules: Awaited<ReturnType<typeof loadWriter>> | null = null;
/** The writer's functions, once buildCacheTables has loaded them. */
function pq() {
  if (!writerModules) throw new Error('hyparquet-writer is not loaded');
  return writerModules;
}

export const MIN_API_VERSION = '2.10';

export interface CacheBuildOptions {
  /** directory that receives the files (created if missing) */
  destination: string;
  /** value of `origin` in the metadata (the database / lab name) */
  origin: string;
  /** lab time zone, for `date_created` */
  timeZone: string;
  /** only sessions / datasets carrying one of these tags (`database_tags` in the metadata) */
  tags?: string[];
  /** rows per query and per parquet row group */
  batchSize?: number;
  /** write cache.zip (and cache_info.json next to it); default true */
  compress?: boolean;
  now?: Date;
  /** called after each batch is written (benchmarks: timing, memory) */
  onBatch?: (table: 'sessions' | 'datasets', rows: number, queryMs: number, writeMs: number) => void;
}

export interface CacheInfo {
  date_created: string;
  origin: string;
  min_api_version: string;
  database_tags?: string[];
  tables: Record<string, { nrecs: number; size: number }>;
}

function localMinute(d: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

const DAY_MS = 86400000;
const daysSinceEpoch = (isoDate: string) => Math.round(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);

/**
 * A repository whose records are exported: upstream exports `flatiron*` / `aws*` ones (IBL); a
 * local install exports every repository that serves its files over HTTP (non-empty data_url).
 */
export const EXPORTED_REPOSITORY = sql`(coalesce(${dataRepositories.data_url}, '') <> '' or ${dataRepositories.name} ilike 'flatiron%' or ${dataRepositories.name} ilike 'aws%')`;

interface Column {
  name: string;
  element: SchemaElement;
  arrow: ArrowField;
  pandas: Record<string, unknown>;
}

const pandasCol = (name: string, pandas_type: string, numpy_type: string, metadata: unknown = null) => ({
  name,
  field_name: name,
  pandas_type,
  numpy_type,
  metadata,
});

const str = (name: string): Column => ({
  name,
  element: { name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  arrow: { name, type: { kind: 'utf8' }, nullable: true },
  pandas: pandasCol(name, 'unicode', 'object'),
});
const bool = (name: string): Column => ({
  name,
  element: { name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' },
  arrow: { name, type: { kind: 'bool' }, nullable: true },
  pandas: pandasCol(name, 'bool', 'bool'),
});

/** An unsigned integer column (`numpy` is pandas' dtype: nullable `UInt64` for file sizes). */
const uint = (name: string, bits: 16 | 64, numpy: string): Column => ({
  name,
  element: { name, type: bits === 64 ? 'INT64' : 'INT32', converted_type: bits === 64 ? 'UINT_64' : 'UINT_16', repetition_type: 'OPTIONAL' },
  arrow: { name, type: { kind: 'int', bitWidth: bits, signed: false }, nullable: true },
  pandas: pandasCol(name, `uint${bits}`, numpy),
});

const SESSION_COLUMNS: Column[] = [
  str('lab'),
  str('subject'),
  {
    name: 'date',
    element: { name: 'date', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
    arrow: { name: 'date', type: { kind: 'date32' }, nullable: true },
    pandas: pandasCol('date', 'date', 'object'),
  },
  uint('number', 16, 'uint16'),
  str('task_protocol'),
  str('projects'),
  str('id'),
];

/** The `qc` column: an ordered dictionary whose dictionary is always the five QC labels in QC order. */
const QC_COLUMN: Column = {
  name: 'qc',
  element: { name: 'qc', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  arrow: { name: 'qc', type: { kind: 'utf8' }, nullable: true, dictionary: { id: 0, indexBitWidth: 8, ordered: true } },
  pandas: pandasCol('qc', 'categorical', 'int8', { num_categories: QC_CATEGORIES.length, ordered: true }),
};

const DATASET_COLUMNS: Column[] = [
  uint('file_size', 64, 'UInt64'),
  str('hash'),
  bool('default_revision'),
  QC_COLUMN,
  bool('exists'),
  str('rel_path'),
  str('eid'),
  str('id'),
];

function kvMetadata(columns: Column[], index: string[], meta: Record<string, unknown>) {
  const pandas = {
    index_columns: index,
    column_indexes: [{ name: null, field_name: null, pandas_type: 'unicode', numpy_type: 'object', metadata: { encoding: 'UTF-8' } }],
    columns: columns.map((c) => c.pandas),
    creator: { library: 'alyx-local', version: '1' },
    pandas_version: '2.2.3',
  };
  const kv: Array<[string, string]> = [
    ['one_metadata', JSON.stringify(meta)],
    ['pandas', JSON.stringify(pandas)],
  ];
  return [...kv.map(([key, value]) => ({ key, value })), { key: 'ARROW:schema', value: arrowSchemaBase64(columns.map((c) => c.arrow), kv) }];
}

type Chunk = { meta_data?: { total_compressed_size: bigint; total_uncompressed_size: bigint } };
interface RowGroupLike {
  columns: Chunk[];
  total_byte_size: bigint;
  total_compressed_size?: bigint;
}

/**
 * Writes one `qc` column chunk: a dictionary page holding the five QC labels in QC order (all of
 * them, used or not, as pyarrow writes a pandas ordered categorical) and one RLE_DICTIONARY data
 * page of indices. hyparquet-writer builds dictionaries in order of first appearance, which
 * would give pandas categories in the wrong order, so this chunk is written here with its page
 * writers.
 */
function writeQcChunk(writer: Writer, root: SchemaElement, labels: string[], compressors: Record<string, unknown>) {
  const element = QC_COLUMN.element;
  const column = {
    columnName: 'qc',
    element,
    schemaPath: [root, element],
    codec: 'SNAPPY' as const,
    compressors: compressors as never,
    stats: false,
    pageSize: 0,
    columnIndex: false,
    offsetIndex: false,
  };
  const offsetStart = writer.offset;
  const dictionaryOffset = BigInt(writer.offset);
  let uncompressed = pq().writeDictionaryPage(writer, column, pq().unconvert(element, [...QC_CATEGORIES]) as never);
  const dataOffset = BigInt(writer.offset);
  const indexes = labels.map((l) => {
    const i = (QC_CATEGORIES as readonly string[]).indexOf(l);
    return i < 0 ? 0 : i;
  });
  const pageValues = indexes;
  uncompressed += pq().writeDataPageV2({
    writer,
    column,
    encoding: 'RLE_DICTIONARY',
    pageData: { values: pageValues, definitionLevels: labels.map(() => 1), repetitionLevels: [], maxDefinitionLevel: 1 },
  });
  return {
    meta_data: {
      type: 'BYTE_ARRAY' as const,
      encodings: ['PLAIN', 'RLE_DICTIONARY'] as Array<'PLAIN' | 'RLE_DICTIONARY'>,
      path_in_schema: ['qc'],
      codec: 'SNAPPY' as const,
      num_values: BigInt(labels.length),
      total_compressed_size: BigInt(writer.offset - offsetStart),
      total_uncompressed_size: BigInt(uncompressed),
      data_page_offset: dataOffset,
      dictionary_page_offset: dictionaryOffset,
    },
    file_offset: BigInt(offsetStart),
  };
}

/** Opens a streaming parquet file; returns a writer of batches and a finisher giving the footer size. */
function openParquet(file: string, columns: Column[], index: string[], meta: Record<string, unknown>) {
  const root: SchemaElement = { name: 'schema', num_children: columns.length };
  const schema: SchemaElement[] = [root, ...columns.map((c) => c.element)];
  const out = pq().fileWriter(file);
  const writer = new (pq().ParquetWriter)({ writer: out, schema, kvMetadata: kvMetadata(columns, index, meta), createdBy: 'alyx-local' });
  const internals = writer as unknown as { row_groups: RowGroupLike[]; compressors: Record<string, unknown> };
  const qcAt = columns.indexOf(QC_COLUMN);
  return {
    write(data: Record<string, unknown[]>, rows: number) {
      if (rows === 0) return;
      const plain = columns.filter((c) => c !== QC_COLUMN);
      void writer.write({ columnData: plain.map((c) => ({ name: c.name, data: data[c.name] as never })), rowGroupSize: rows });
      if (qcAt >= 0) {
        // insert the qc chunk of this row group at its schema position
        const group = internals.row_groups[internals.row_groups.length - 1];
        const chunk = writeQcChunk(out, root, data.qc as string[], internals.compressors);
        group.columns.splice(qcAt, 0, chunk as never);
        group.total_byte_size += chunk.meta_data.total_uncompressed_size;
        if (group.total_compressed_size !== undefined) group.total_compressed_size += chunk.meta_data.total_compressed_size;
      }
    },
    finish(): number {
      void writer.finish();
      const fd = fs.openSync(file, 'r');
      try {
        const size = fs.fstatSync(fd).size;
        const tail = Buffer.alloc(8);
        fs.readSync(fd, tail, 0, 8, size - 8);
        return tail.readUInt32LE(0);
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}

/** `dataset` carries one of the tags (no condition without tags). */
const taggedWith = (tags: string[] | undefined, dataset: AnyPgColumn): SQL | undefined =>
  tags?.length ? isTagged(dataset, inArray(tagTable.name, tags)) : undefined;

/** The sessions.pqt columns of a session (the cursor reads date, subject, number and id back). */
const SESSION_ROW = {
  id: sessions.id,
  lab: labs.name,
  subject: subjects.nickname,
  date: sql<string>`to_char(${sessions.start_time}::date, 'YYYY-MM-DD')`,
  number: sessions.number,
  task_protocol: sql<string>`coalesce(${sessions.task_protocol}, '')`,
  projects: sql<string | null>`(select string_agg(distinct ${projects.name}, ',') from ${sessionProjects}
    join ${projects} on ${projects.id} = ${sessionProjects.project} where ${sessionProjects.session} = ${sessions.id})`,
};

type SessionRow = { id: string; lab: string; subject: string; date: string; number: number | null; task_protocol: string; projects: string | null };

async function writeSessions(db: Queryable, file: string, meta: Record<string, unknown>, opts: CacheBuildOptions, batch: number): Promise<{ nrecs: number; size: number }> {
  const pq = openParquet(file, SESSION_COLUMNS, ['id'], meta);
  let nrecs = 0;
  let after: { d: string; nick: string; num: number; id: string } | null = null;
  const tagged = taggedWith(opts.tags, datasets.id);
  const sessionTagFilter = tagged ? sql`exists (select 1 from ${datasets} where ${datasets.session} = ${sessions.id} and ${tagged})` : undefined;
  for (;;) {
    const cursor: SQL | undefined = after
      ? sql`(${sessions.start_time}::date, ${subjects.nickname}, ${sessions.number}, ${sessions.id}) < (${after.d}::date, ${after.nick}, ${after.num}, ${after.id}::uuid)`
      : undefined;
    const q0 = Date.now();
    const rows: SessionRow[] = await db
      .select(SESSION_ROW)
      .from(sessions)
      .innerJoin(subjects, eq(subjects.id, sessions.subject))
      .innerJoin(labs, eq(labs.id, sessions.lab))
      .where(and(isNotNull(sessions.number), isNotNull(sessions.start_time), sessionTagFilter, cursor))
      .orderBy(desc(sql`${sessions.start_time}::date`), desc(subjects.nickname), desc(sessions.number), desc(sessions.id))
      .limit(batch);
    if (rows.length === 0) break;
    const w0 = Date.now();
    pq.write(
      {
        lab: rows.map((r) => r.lab),
        subject: rows.map((r) => r.subject),
        date: rows.map((r) => daysSinceEpoch(r.date)),
        number: rows.map((r) => Number(r.number)),
        task_protocol: rows.map((r) => r.task_protocol ?? ''),
        projects: rows.map((r) => r.projects ?? ''),
        id: rows.map((r) => r.id),
      },
      rows.length,
    );
    nrecs += rows.length;
    opts.onBatch?.('sessions', rows.length, w0 - q0, Date.now() - w0);
    const last = rows[rows.length - 1]!;
    after = { d: last.date, nick: last.subject, num: Number(last.number), id: last.id };
    if (rows.length < batch) break;
  }
  return { nrecs, size: pq.finish() };
}

/**
 * Datasets in (eid, id) order. Each batch is a plain range scan of the (session_id, id) index, then
 * one indexed lookup of which of those ids have an existing exported record (and the tag filter):
 * the cost of a batch does not depend on its position, whatever plan the statistics suggest for a
 * combined query.
 */
async function writeDatasets(db: Queryable, file: string, meta: Record<string, unknown>, opts: CacheBuildOptions, batch: number): Promise<{ nrecs: number; size: number }> {
  const pq = openParquet(file, DATASET_COLUMNS, ['eid', 'id'], meta);
  const revisionNames = new Map((await db.select({ id: revisions.id, name: revisions.name }).from(revisions)).map((r) => [r.id, r.name]));
  let nrecs = 0;
  let after: { eid: string; id: string } | null = null;
  for (;;) {
    const cursor: SQL | undefined = after ? sql`(${datasets.session}, ${datasets.id}) > (${after.eid}::uuid, ${after.id}::uuid)` : undefined;
    const q0 = Date.now();
    const scanned: Array<Pick<DatasetRow, 'id' | 'session'>> = await selectDatasetRows(db, [...cacheDatasetRow.keys, 'session', 'id'], and(isNotNull(datasets.session), cursor), {
      orderBy: [datasets.session, datasets.id],
      limit: batch,
    });
    if (scanned.length === 0) break;
    const ids = scanned.map((r) => r.id);
    const exported = await db
      .selectDistinct({ id: fileRecords.dataset })
      .from(fileRecords)
      .innerJoin(dataRepositories, eq(dataRepositories.id, fileRecords.data_repository))
      .where(
        and(
          inIds(fileRecords.dataset, ids),
          eq(fileRecords.exists, true),
          EXPORTED_REPOSITORY,
          taggedWith(opts.tags, fileRecords.dataset),
        ),
      );
    const keep = new Set(exported.map((r) => r.id));
    const rows = scanned.filter((r) => keep.has(r.id)).map((r) => cacheDatasetRow.render(r, { revisionNames }));
    const w0 = Date.now();
    pq.write(Object.fromEntries(DATASET_COLUMNS.map((c) => [c.name, rows.map((r) => r[c.name])])), rows.length);
    nrecs += rows.length;
    opts.onBatch?.('datasets', rows.length, w0 - q0, Date.now() - w0);
    const last = scanned[scanned.length - 1]!;
    after = { eid: last.session!, id: last.id };
    if (scanned.length < batch) break;
  }
  return { nrecs, size: pq.finish() };
}

/** Builds the cache tables into `destination`; returns the cache_info content. */
export async function buildCacheTables(db: Queryable, opts: CacheBuildOptions): Promise<CacheInfo> {
  writerModules ??= await loadWriter();
  const batch = opts.batchSize ?? 50_000;
  const dest = opts.destination;
  fs.mkdirSync(dest, { recursive: true });
  const meta: Record<string, unknown> = {
    date_created: localMinute(opts.now ?? new Date(), opts.timeZone),
    origin: opts.origin,
    min_api_version: MIN_API_VERSION,
  };
  if (opts.tags?.length) meta.database_tags = opts.tags;
  // write into a temporary directory, then move into place so readers never see half a file
  const tmp = fs.mkdtempSync(path.join(dest, '.build-'));
  try {
    const sessions = await writeSessions(db, path.join(tmp, 'sessions.pqt'), meta, opts, batch);
    const datasets = await writeDatasets(db, path.join(tmp, 'datasets.pqt'), meta, opts, batch);
    const info: CacheInfo = { ...(meta as Omit<CacheInfo, 'tables'>), tables: { sessions, datasets } };
    fs.writeFileSync(path.join(tmp, 'cache_info.json'), JSON.stringify(info, null, 1));
    const names = ['sessions.pqt', 'datasets.pqt', 'cache_info.json'];
    if (opts.compress !== false) {
      writeZip(
        path.join(tmp, 'cache.zip'),
        names.map((n) => ({ name: n, file: path.join(tmp, n) })),
      );
      names.push('cache.zip');
    }
    for (const n of names) fs.renameSync(path.join(tmp, n), path.join(dest, n));
    return info;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Where the tables of a tag (or the untagged ones) live under the tables root. */
export function cacheDir(root: string, tag?: string | null): string {
  return tag ? path.join(root, tag) : root;
}

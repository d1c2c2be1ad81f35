// Reading a live upstream Alyx PostgreSQL database as a dump: our tables carry upstream's table and
// column names (Django's `<field>_id` for foreign keys, `<app>_<model>_<field>` join tables), so
// each of our models whose table exists upstream is read in keyset batches (ordered by its primary
// key) and turned into the rows `dumpdata` writes: model label, pk, fields keyed by our field names,
// many-to-many fields as lists, datetimes as ISO strings. The importer takes them as it takes a file.
// pg is loaded when an upstream database is read, not when the server starts (bench:startup)
import type pg from 'pg';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { allModels, contentTypeLabel, type ModelInfo } from '../models.ts';
import type { DumpRow } from './read.ts';
// every app's tables declare their model when loaded: the registry (allModels) is complete only
// once all are, whichever command loaded this module first
import '../schema.ts';

export class UpstreamError extends Error {}

/** `postgres://` or `postgresql://` URLs name an upstream database; anything else is a file. */
export const isDatabaseUrl = (source: string): boolean => /^postgres(ql)?:\/\//i.test(source);

/** The URL without its password, for messages and the audit trail. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

const FRAMEWORK = /^(auth|django|reversion|guardian|admin)_/;

// datetimes and dates stay text (as dumpdata writes them, with a `T`), not JS Dates in the server's zone
const TEXT_TYPES = new Set([1082, 1114, 1184, 1083, 1266]);
let pgModule: typeof pg | null = null;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (TEXT_TYPES.has(oid)) return (v: string) => (oid === 1114 || oid === 1184 ? v.replace(' ', 'T') : v);
    return pgModule!.types.getTypeParser(oid, format);
  },
};

export interface UpstreamSource {
  /** the URL without its password */
  name: string;
  /** the rows, model by model (content types first, for generic relations) */
  rows(): AsyncGenerator<DumpRow>;
  /** upstream tables with no model here: rows and reason, for the report */
  skipped: Record<string, { rows: number; reason: string }>;
  close(): Promise<void>;
}

/** Connects and checks that the database looks like an Alyx one; throws UpstreamError with a clear message. */
export async function openUpstream(url: string, opts: { batchSize?: number } = {}): Promise<UpstreamSource> {
  const batch = opts.batchSize ?? 1000;
  pgModule ??= (await import('pg')).default;
  let client: pg.Client;
  try {
    client = new pgModule.Client({ connectionString: url, types, connectionTimeoutMillis: 10000 });
  } catch (e) {
    throw new UpstreamError(`${redactUrl(url)} is not a valid PostgreSQL URL: ${(e as Error).message}`);
  }
  client.on('error', () => {}); // a dropped connection fails the running query instead
  try {
    await client.connect();
  } catch (e) {
    const err = e as Error & { code?: string };
    throw new UpstreamError(`cannot connect to ${redactUrl(url)}: ${err.message || err.code || String(e)}`);
  }
  const fail = async (msg: string): Promise<never> => {
    await client.end().catch(() => {});
    throw new UpstreamError(msg);
  };
  // every table of the connection's schema, with its columns
  let columnsOf: Map<string, Set<string>>;
  try {
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns where table_schema = current_schema() order by table_name, ordinal_position`,
    );
    columnsOf = new Map();
    for (const r of rows) {
      if (!columnsOf.has(r.table_name)) columnsOf.set(r.table_name, new Set());
      columnsOf.get(r.table_name)!.add(r.column_name);
    }
  } catch (e) {
    return fail(`cannot read the tables of ${redactUrl(url)}: ${(e as Error).message}`);
  }
  const tableOf = (info: ModelInfo) => getTableConfig(info.table).name;
  const models = allModels().filter((info) => Object.values(info.columns).some((c) => c.primary));
  const required = ['misc_labmember', 'subjects_subject', 'actions_session'];
  const missing = required.filter((t) => !columnsOf.has(t));
  if (missing.length) return fail(`${redactUrl(url)} is not an Alyx database (no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''})`);

  const ours = new Set<string>();
  for (const info of models) {
    ours.add(tableOf(info));
    for (const m of Object.values(info.m2m ?? {})) ours.add(getTableConfig(m.through).name);
  }
  const skipped: UpstreamSource['skipped'] = {};
  for (const table of columnsOf.keys()) {
    if (ours.has(table) || table === 'django_content_type' || table === 'django_migrations') continue;
    const { rows } = await client.query<{ n: string }>(`select count(*) as n from ${client.escapeIdentifier(table)}`);
    skipped[`table ${table}`] = {
      rows: Number(rows[0].n),
      reason: FRAMEWORK.test(table) ? 'Django framework data (permissions, groups, admin log, sessions, history): not used by Alyx-local' : 'no model for this upstream table in Alyx-local',
    };
  }
  const q = (name: string) => client.escapeIdentifier(name);

  async function* tableRows(info: ModelInfo): AsyncGenerator<DumpRow> {
    const table = tableOf(info);
    const upstreamCols = columnsOf.get(table)!;
    const label = contentTypeLabel(info);
    const [, pkCol] = Object.entries(info.columns).find(([, c]) => c.primary)!;
    // upstream column -> our field name (a `<field>_id` upstream column may be our `<field>`: content types)
    const fieldOf = new Map<string, string>();
    for (const [field, c] of Object.entries(info.columns)) fieldOf.set(c.name, field);
    for (const col of upstreamCols) {
      if (fieldOf.has(col)) continue;
      const bare = col.replace(/_id$/, '');
      if (bare !== col && info.columns[bare] && !upstreamCols.has(info.columns[bare].name)) fieldOf.set(col, bare);
    }
    const m2ms = Object.entries(info.m2m ?? {}).filter(([, m]) => columnsOf.has(getTableConfig(m.through).name));
    let last: unknown = undefined;
    for (;;) {
      const where = last === undefined ? '' : `where ${q(pkCol.name)} > $2`;
      const params: unknown[] = [batch];
      if (last !== undefined) params.push(last);
      const { rows } = await client.query<Record<string, unknown>>(`select * from ${q(table)} ${where} order by ${q(pkCol.name)} limit $1`, params);
      if (!rows.length) return;
      last = rows[rows.length - 1][pkCol.name];
      const links = new Map<string, Map<string, unknown[]>>();
      for (const [field, m] of m2ms) {
        const byOwner = new Map<string, unknown[]>();
        const res = await client.query<{ f: unknown; t: unknown }>(
          `select ${q(m.from.name)} as f, ${q(m.to.name)} as t from ${q(getTableConfig(m.through).name)} where ${q(m.from.name)} = any($1) order by 1, 2`,
          [rows.map((r) => r[pkCol.name])],
        );
        for (const l of res.rows) {
          const k = String(l.f);
          if (!byOwner.has(k)) byOwner.set(k, []);
          byOwner.get(k)!.push(l.t);
        }
        links.set(field, byOwner);
      }
      for (const r of rows) {
        const fields: Record<string, unknown> = {};
        for (const [col, value] of Object.entries(r)) {
          if (col === pkCol.name) continue;
          fields[fieldOf.get(col) ?? col] = value;
        }
        for (const [field] of m2ms) fields[field] = links.get(field)!.get(String(r[pkCol.name])) ?? [];
        yield { model: label, pk: r[pkCol.name], fields };
      }
      if (rows.length < batch) return;
    }
  }

  async function* rows(): AsyncGenerator<DumpRow> {
    if (columnsOf.has('django_content_type')) {
      const { rows: cts } = await client.query<{ id: number; app_label: string; model: string }>(`select id, app_label, model from django_content_type order by id`);
      for (const ct of cts) yield { model: 'contenttypes.contenttype', pk: ct.id, fields: { app_label: ct.app_label, model: ct.model } };
    }
    for (const info of models) if (columnsOf.has(tableOf(info))) yield* tableRows(info);
  }

  return { name: redactUrl(url), rows, skipped, close: () => client.end() };
}

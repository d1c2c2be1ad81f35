// Recording changes in the audit trail. A write builds one AuditChange per object (created,
// updated, deleted) and calls recordAudit once with all of them, inside its transaction: one
// INSERT for a whole request (bulk writes included), rolled back with the change when it fails.
import os from 'node:os';
import { getTableColumns, getTableName, type Column } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/client.ts';
import { contentTypeLabel, modelOf } from '../../db/models.ts';
import type { RequestContext } from '../../rest/context.ts';
import { auditEntries } from './tables.ts';

export type AuditChannel = 'token' | 'session' | 'cli' | 'import' | 'system';
export type AuditAction = 'create' | 'update' | 'delete' | 'import';

/** Who makes a change and from where. */
export interface AuditActor {
  userId: string | null;
  username: string;
  channel: AuditChannel;
  client: string;
}

export interface AuditChange {
  action: AuditAction;
  /** content type label or table name (modelLabel) */
  model: string;
  objectId: string;
  repr: string;
  changes: Record<string, unknown>;
}

type Row = Record<string, unknown>;

/** A secret's value is never recorded: "changed" stands for it. */
export const SECRET_VALUE = 'changed';
const SECRET_FIELD = /^(password|key|session_key|session_data|token|secret)$|password|secret|api_?key/i;
/** Fields whose value names the object in `repr`, first present wins. */
const REPR_FIELDS = ['nickname', 'username', 'name', 'relative_path', 'filename', 'file_name', 'text', 'narrative'];
const REPR_MAX = 100;

/** The acting user and channel of a REST request (token header or web session cookie). */
export function actorOf(ctx: RequestContext): AuditActor {
  const auth = ctx.request?.headers.authorization;
  const viaToken = typeof auth === 'string' && /^token\s/i.test(auth);
  return {
    userId: ctx.user?.id ?? null,
    username: ctx.user?.username ?? '',
    channel: ctx.request ? (viaToken ? 'token' : 'session') : 'system',
    client: ctx.request?.ip ?? '',
  };
}

/** The operating-system account running a CLI command (no lab member logs in on the CLI). */
export function cliActor(channel: 'cli' | 'import' = 'cli', user?: { id: string; username: string }): AuditActor {
  let osUser = '';
  try {
    osUser = os.userInfo().username;
  } catch {
    osUser = process.env.USER ?? '';
  }
  return { userId: user?.id ?? null, username: user?.username ?? osUser, channel, client: osUser ? `os:${osUser}` : '' };
}

export function modelLabel(table: PgTable): string {
  try {
    return contentTypeLabel(modelOf(table));
  } catch {
    return getTableName(table);
  }
}

function isSecret(field: string): boolean {
  return SECRET_FIELD.test(field);
}

/** JSON-safe copy of a value (dates as ISO strings). */
function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value === undefined ? null : value;
}

function reprOf(row: Row): string {
  for (const f of REPR_FIELDS) {
    const v = row[f];
    if (typeof v === 'string' && v !== '') return v.length > REPR_MAX ? `${v.slice(0, REPR_MAX - 1)}…` : v;
  }
  return String(row.id ?? '');
}

function primaryKeyOf(table: PgTable, row: Row): string {
  const cols = getTableColumns(table) as Record<string, Column>;
  const pk = Object.entries(cols).find(([, c]) => c.primary)?.[0] ?? 'id';
  return String(row[pk] ?? '');
}

function values(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = isSecret(k) ? (v === '' || v === null ? v : SECRET_VALUE) : plain(v);
  return out;
}

export function created(table: PgTable, row: Row, extra: Row = {}): AuditChange {
  return { action: 'create', model: modelLabel(table), objectId: primaryKeyOf(table, row), repr: reprOf(row), changes: { ...values(row), ...values(extra) } };
}

export function deleted(table: PgTable, row: Row): AuditChange {
  return { action: 'delete', model: modelLabel(table), objectId: primaryKeyOf(table, row), repr: reprOf(row), changes: values(row) };
}

/**
 * The fields that differ between two versions of a row, as field -> [old, new] (secrets:
 * "changed"); `extra` adds fields compared elsewhere (many-to-many sets). Null when nothing changed.
 */
export function updated(table: PgTable, before: Row, after: Row, extra: Record<string, [unknown, unknown]> = {}): AuditChange | null {
  const changes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) {
    if (!(k in before)) continue;
    if (JSON.stringify(plain(before[k])) === JSON.stringify(plain(v))) continue;
    changes[k] = isSecret(k) ? SECRET_VALUE : [plain(before[k]), plain(v)];
  }
  for (const [k, [o, n]] of Object.entries(extra)) {
    if (JSON.stringify(o) !== JSON.stringify(n)) changes[k] = isSecret(k) ? SECRET_VALUE : [o, n];
  }
  if (!Object.keys(changes).length) return null;
  return { action: 'update', model: modelLabel(table), objectId: primaryKeyOf(table, after), repr: reprOf(after), changes };
}

/** A summary entry (the importer's, per table). */
export function summary(action: AuditAction, model: string, repr: string, changes: Row): AuditChange {
  return { action, model, objectId: '', repr: repr.slice(0, 255), changes };
}

const BATCH = 2000;

/** Inserts the entries, in one statement per 2,000, on the caller's transaction. */
export async function recordAudit(db: Queryable, actor: AuditActor, changes: Array<AuditChange | null>): Promise<void> {
  const rows = changes
    .filter((c): c is AuditChange => c !== null)
    .map((c) => ({
      user: actor.userId,
      username: actor.username.slice(0, 150),
      channel: actor.channel,
      client: actor.client.slice(0, 255),
      action: c.action,
      model: c.model.slice(0, 100),
      object_id: c.objectId.slice(0, 64),
      repr: c.repr.slice(0, 255),
      changes: c.changes,
    }));
  for (let i = 0; i < rows.length; i += BATCH) await db.insert(auditEntries).values(rows.slice(i, i + BATCH));
}

// Reading the audit trail, newest first, filtered by object, user, model and time: shared by
// GET /history and `alyx history`.
import { and, desc, eq, gte, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { validationError, type FieldErrors } from '../../rest/errors.ts';
import { auditEntries } from './tables.ts';

export interface HistoryFilters {
  /** the object's primary key */
  object?: string;
  /** the acting user's username */
  user?: string;
  /** entries at or after this date or datetime (naive: lab time zone) */
  since?: string;
  /** "subjects.subject", or a model name ("subject", "Subject") */
  model?: string;
  /** a create | update | delete | import */
  action?: string;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;
const ACTIONS = ['create', 'update', 'delete', 'import'];

/** The WHERE of the filters; 400 (field errors) for a malformed `since` or `action`. */
export function historyWhere(f: HistoryFilters, timeZone: string): SQL | undefined {
  const errors: FieldErrors = {};
  const conds: SQL[] = [];
  if (f.object) conds.push(eq(auditEntries.object_id, f.object.trim().toLowerCase()));
  if (f.user) conds.push(eq(auditEntries.username, f.user.trim()));
  if (f.model) {
    const m = f.model.trim().toLowerCase();
    conds.push(m.includes('.') ? eq(auditEntries.model, m) : or(eq(auditEntries.model, m), ilike(auditEntries.model, `%.${m.replace(/[\\%_]/g, '\\$&')}`))!);
  }
  if (f.action) {
    if (!ACTIONS.includes(f.action)) errors.action = [`Select a valid choice. ${f.action} is not one of the available choices.`];
    else conds.push(eq(auditEntries.action, f.action));
  }
  if (f.since) {
    const s = f.since.trim();
    if (!DATETIME.test(s) || Number.isNaN(Date.parse(s.replace(' ', 'T')))) errors.since = ['Enter a valid date/time.'];
    else if (/(Z|[+-]\d{2}(:?\d{2})?)$/.test(s) && s.length > 10) conds.push(gte(auditEntries.datetime, sql`${s}::timestamptz`));
    else conds.push(gte(auditEntries.datetime, sql`(${s}::timestamp at time zone ${timeZone})`));
  }
  if (Object.keys(errors).length) throw validationError(errors);
  return conds.length ? and(...conds) : undefined;
}

export interface HistoryEntry {
  id: string;
  datetime: string;
  user: string;
  user_id: string | null;
  channel: string;
  client: string;
  action: string;
  model: string;
  object_id: string;
  repr: string;
  changes: unknown;
}

/** One page of entries (newest first) and the total count. */
export async function historyPage(db: Queryable, where: SQL | undefined, limit: number, offset: number): Promise<{ count: number; results: HistoryEntry[] }> {
  const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(auditEntries).where(where);
  const rows = await db
    .select({
      id: auditEntries.id,
      // ISO 8601 with its offset, as PostgreSQL's JSON writes it
      datetime: sql<string>`to_json(${auditEntries.datetime}) #>> '{}'`,
      user: auditEntries.username,
      user_id: auditEntries.user,
      channel: auditEntries.channel,
      client: auditEntries.client,
      action: auditEntries.action,
      model: auditEntries.model,
      object_id: auditEntries.object_id,
      repr: auditEntries.repr,
      changes: auditEntries.changes,
    })
    .from(auditEntries)
    .where(where)
    .orderBy(desc(auditEntries.datetime), desc(auditEntries.id))
    .limit(limit)
    .offset(offset);
  return { count: Number(n), results: rows };
}

// `alyx tasks cleanup`: deletes processing tasks last updated on or before a date, optionally only
// those with (or without, `~Label`) a given status, only those of signed-off sessions, and at most
// the N oldest. Upstream's management command `tasks cleanup`, with the same options.
import { sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { query } from '../../db/client.ts';
import { parseDateInput, todayInZone } from '../../rest/values.ts';
import { statusFromCodeOrLabel, type StatusCode } from './status.ts';

export interface CleanupOptions {
  /** YYYY-MM-DD: tasks whose datetime's date is on or before it */
  before: string;
  status: { code: StatusCode; exclude: boolean } | null;
  limit: number | null;
  signedOff: boolean;
  dry: boolean;
}

export class CleanupUsageError extends Error {}

/** Reads `cleanup [--before D] [--status S|~S] [--limit N] [--signed-off] [--dry]`. */
export function parseCleanupArgs(argv: string[], timeZone: string): CleanupOptions {
  const opts: CleanupOptions = { before: todayInZone(timeZone), status: null, limit: null, signedOff: false, dry: false };
  const args = [...argv];
  if (args[0] === 'tasks') args.shift();
  const action = args.shift();
  if (action !== 'cleanup') throw new CleanupUsageError(`Action "${action ?? ''}" not recognized (expected "cleanup")`);
  while (args.length) {
    const arg = args.shift()!;
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = () => {
      const v = inline ?? args.shift();
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new CleanupUsageError(`${key} needs a value`);
      return v;
    };
    switch (key) {
      case '--before': {
        const v = value();
        const d = parseDateInput(v);
        if (!d) throw new CleanupUsageError(`--before: "${v}" is not a date (YYYY-MM-DD)`);
        opts.before = d;
        break;
      }
      case '--status': {
        const v = value();
        const exclude = v.startsWith('~');
        const code = statusFromCodeOrLabel(exclude ? v.slice(1) : v);
        if (code === null) throw new CleanupUsageError(`Status "${exclude ? v.slice(1) : v}" not recognized`);
        opts.status = { code, exclude };
        break;
      }
      case '--limit': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new CleanupUsageError(`--limit: "${v}" is not a non-negative integer`);
        opts.limit = Number(v);
        break;
      }
      case '--signed-off':
        opts.signedOff = true;
        break;
      case '--dry':
        opts.dry = true;
        break;
      default:
        throw new CleanupUsageError(`unknown option ${arg}`);
    }
  }
  return opts;
}

/** The WHERE clause selecting the tasks the options designate (raw SQL on upstream table names). */
export function cleanupCondition(o: CleanupOptions): SQL {
  const conds: SQL[] = [sql`t.datetime::date <= ${o.before}::date`];
  if (o.status) conds.push(o.status.exclude ? sql`t.status <> ${o.status.code}` : sql`t.status = ${o.status.code}`);
  if (o.signedOff) {
    conds.push(
      sql`t.session_id in (select s.id from actions_session s where s.json -> 'sign_off_checklist' -> 'sign_off_date' is not null)`,
    );
  }
  return sql.join(conds, sql` and `);
}

export interface CleanupResult {
  found: number;
  deleted: number;
}

/** Counts, and unless dry deletes, the designated tasks in one transaction. */
export async function cleanupTasks(db: Queryable, o: CleanupOptions): Promise<CleanupResult> {
  const where = cleanupCondition(o);
  const selection =
    o.limit === null
      ? sql`select t.id from jobs_task t where ${where}`
      : sql`select t.id from jobs_task t where ${where} order by t.datetime, t.id limit ${o.limit}`;
  const run = async (tx: Queryable): Promise<CleanupResult> => {
    const [{ n }] = await query<{ n: number }>(tx, sql`select count(*)::int as n from (${selection}) sel`);
    if (o.dry || n === 0) return { found: Number(n), deleted: 0 };
    const deleted = await query<{ id: string }>(tx, sql`delete from jobs_task where id in (${selection}) returning id`);
    return { found: Number(n), deleted: deleted.length };
  };
  if ('transaction' in db) return (db as { transaction: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T> }).transaction(run);
  return run(db);
}

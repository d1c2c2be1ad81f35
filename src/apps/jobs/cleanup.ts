// `alyx tasks cleanup`: deletes processing tasks last updated on or before a date, optionally only
// those with (or without, `~Label`) a given status, only those of signed-off sessions, and at most
// the N oldest. Upstream's management command `tasks cleanup`, with the same options.
import { and, asc, count, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { parseDateInput, todayInZone } from '../../rest/values.ts';
import { sessions } from '../actions/tables.ts';
import { statusFromCodeOrLabel, type StatusCode } from './status.ts';
import { tasks } from './tables.ts';

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

/** The WHERE clause selecting the tasks the options designate. */
export function cleanupCondition(o: CleanupOptions): SQL {
  const conds: SQL[] = [sql`${tasks.datetime}::date <= ${o.before}::date`];
  if (o.status) conds.push(o.status.exclude ? ne(tasks.status, o.status.code) : eq(tasks.status, o.status.code));
  if (o.signedOff) {
    const signedOff = sql`${sessions.json} -> 'sign_off_checklist' -> 'sign_off_date' is not null`;
    conds.push(sql`${tasks.session} in (select ${sessions.id} from ${sessions} where ${signedOff})`);
  }
  return and(...conds)!;
}

export interface CleanupResult {
  found: number;
  deleted: number;
}

/** The ids of the designated tasks (the N oldest with --limit), as a subquery. */
function designatedTasks(tx: Queryable, o: CleanupOptions) {
  const selection = tx.select({ id: tasks.id }).from(tasks).where(cleanupCondition(o));
  return o.limit === null ? selection : selection.orderBy(asc(tasks.datetime), asc(tasks.id)).limit(o.limit);
}

/** Counts, and unless dry deletes, the designated tasks in one transaction. */
export async function cleanupTasks(db: Queryable, o: CleanupOptions): Promise<CleanupResult> {
  const run = async (tx: Queryable): Promise<CleanupResult> => {
    const [{ n }] = await tx.select({ n: count() }).from(designatedTasks(tx, o).as('designated'));
    if (o.dry || n === 0) return { found: Number(n), deleted: 0 };
    const deleted = await tx.delete(tasks).where(inArray(tasks.id, designatedTasks(tx, o))).returning({ id: tasks.id });
    return { found: Number(n), deleted: deleted.length };
  };
  return db.transaction(run);
}

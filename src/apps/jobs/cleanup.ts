// `alyx tasks cleanup`: deletes processing tasks last updated on or before a date, optionally only
// those with (or without, `~Label`) a given status, only those of signed-off sessions, and at most
// the N oldest. Upstream's management command `tasks cleanup`, with the same options.
import { cliActor, modelLabel, recordAudit, summary } from '../audit/record.ts';
import { and, asc, count, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { parseDateInput, todayInZone } from '../../rest/values.ts';
import { sessions } from '../actions/tables.ts';
import { statusFromCodeOrLabel, type StatusCode } from './status.ts';
import { tasks } from './tables.ts';
import { parseCommandArgs, UsageError, type CommandDecl, type ParsedArgs } from '../../cli/args.ts';

export interface CleanupOptions {
  /** YYYY-MM-DD: tasks whose datetime's date is on or before it */
  before: string;
  status: { code: StatusCode; exclude: boolean } | null;
  limit: number | null;
  signedOff: boolean;
  dry: boolean;
}

export class CleanupUsageError extends UsageError {}

/** The command line of `alyx tasks cleanup`, declared once for the parser and the usage text. */
export const cleanupArgs = {
  positionals: [{ name: 'ACTION', describe: 'cleanup' }],
  options: {
    before: { type: 'string', value: 'YYYY-MM-DD', describe: 'tasks last updated on or before this date (default today)' },
    status: { type: 'string', value: 'CODE|LABEL|~LABEL', describe: 'only tasks with this status (~: all but this status)' },
    limit: { type: 'integer', describe: 'at most the N oldest tasks' },
    'signed-off': { type: 'boolean', describe: 'only tasks of signed-off sessions' },
    dry: { type: 'boolean', describe: 'count, do not delete' },
  },
} satisfies Omit<CommandDecl, 'name' | 'describe'>;

export type CleanupArgs = ParsedArgs<(typeof cleanupArgs)['options']>;

/** Checks the parsed values of `cleanup [--before D] [--status S|~S] [--limit N] [--signed-off] [--dry]`. */
export function cleanupOptionsOf({ values, positionals: [action] }: CleanupArgs, timeZone: string): CleanupOptions {
  if (action !== 'cleanup') throw new CleanupUsageError(`Action "${action ?? ''}" not recognized (expected "cleanup")`);
  let before = todayInZone(timeZone);
  if (values.before !== undefined) {
    const d = parseDateInput(values.before);
    if (!d) throw new CleanupUsageError(`--before: "${values.before}" is not a date (YYYY-MM-DD)`);
    before = d;
  }
  let status: CleanupOptions['status'] = null;
  if (values.status !== undefined) {
    const exclude = values.status.startsWith('~');
    const label = exclude ? values.status.slice(1) : values.status;
    const code = statusFromCodeOrLabel(label);
    if (code === null) throw new CleanupUsageError(`Status "${label}" not recognized`);
    status = { code, exclude };
  }
  return { before, status, limit: values.limit ?? null, signedOff: values['signed-off'], dry: values.dry };
}

/** Reads `[tasks] cleanup [options]` from raw words (the strict parser, then the checks above). */
export function parseCleanupArgs(argv: string[], timeZone: string): CleanupOptions {
  const words = argv[0] === 'tasks' ? argv.slice(1) : argv;
  try {
    return cleanupOptionsOf(parseCommandArgs({ name: 'tasks', describe: '', ...cleanupArgs }, words), timeZone);
  } catch (e) {
    if (e instanceof CleanupUsageError || !(e instanceof UsageError)) throw e;
    // this function's callers know its errors as CleanupUsageError, an undeclared option as "unknown option"
    throw new CleanupUsageError(e.unknownOption ? `unknown option ${e.unknownOption}` : e.message);
  }
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
    // one summary entry for the batch (a cleanup may delete many thousands of tasks)
    await recordAudit(tx, cliActor(), [summary('delete', modelLabel(tasks), `tasks cleanup: ${deleted.length} tasks`, { deleted: deleted.length, ids: deleted.map((d) => d.id) })]);
    return { found: Number(n), deleted: deleted.length };
  };
  return db.transaction(run);
}

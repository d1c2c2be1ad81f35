// The projects of each subject's sessions (the subjects' `session_projects` field), kept as a derived
// table of counts: (subject, project) → how many of the subject's sessions have that project.
// Reading it is one index lookup per page; computing it from the sessions read every session of
// every subject on the page (3,750 for the scale-1 alive list, 1.5 ms of PostgreSQL per request,
// growing with each subject's sessions).
//
// Database triggers keep it, so every way of writing sessions counts: REST, the importer, the CLI,
// cascades from deleted subjects and projects. They are installed after every migration run (like
// the audit guard), with the table rebuilt in the same transaction; a restore loads rows with
// triggers off (session_replication_role = replica) and rebuilds it afterwards.
import { and, asc, eq, getTableName, gt, sql } from 'drizzle-orm';
import { QueryBuilder, type AnyPgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/client.ts';
import type { DerivedTable } from '../../db/derived.ts';
import type { RequestContext } from '../../rest/context.ts';
import type { Row } from '../../rest/fields.ts';
import { pushTo } from '../../rest/group.ts';
import { inIds } from '../../db/ids.ts';
import { projects } from '../subjects/tables.ts';
import { sessionProjects, sessions, subjectSessionProjects as summary } from './tables.ts';

/** Bumped when a trigger or its function changes: older triggers are replaced at the next start. */
const VERSION = 1;
const PREFIX = 'alyx_session_projects_';
const TRIGGER = (what: string) => `${PREFIX}${what}_v${VERSION}`;

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const t = (table: PgTable) => q(getTableName(table));
const c = (column: AnyPgColumn) => q(column.name);

const S = t(summary);
const SUBJ = c(summary.subject);
const PROJ = c(summary.project);
const N = c(summary.sessions);
const SES = t(sessions);
const SES_ID = c(sessions.id);
const SES_SUBJ = c(sessions.subject);
const SP = t(sessionProjects);
const SP_SES = c(sessionProjects.session);
const SP_PROJ = c(sessionProjects.project);

/** Adds (sign +1) or removes (-1) the sessions counted by `pairs`, a query of (subject, project, n). */
function apply(pairs: string, sign: 1 | -1): string {
  if (sign > 0) {
    // sorted so that concurrent writers lock summary rows in the same order
    return `insert into ${S} (${SUBJ}, ${PROJ}, ${N})
      select subject, project, n from (${pairs}) p order by subject, project
      on conflict (${SUBJ}, ${PROJ}) do update set ${N} = ${S}.${N} + excluded.${N};`;
  }
  return `update ${S} set ${N} = ${S}.${N} - p.n from (${pairs}) p
      where ${S}.${SUBJ} = p.subject and ${S}.${PROJ} = p.project;
    delete from ${S} where ${N} <= 0 and (${SUBJ}, ${PROJ}) in (select subject, project from (${pairs}) p);`;
}

/** (subject, project, n) of join-table rows in `rows`, for sessions that still exist. */
const pairsOfLinks = (rows: string) =>
  `select s.${SES_SUBJ} as subject, r.${SP_PROJ} as project, count(*)::integer as n
     from ${rows} r join ${SES} s on s.${SES_ID} = r.${SP_SES} group by 1, 2`;

/** (subject, project, 1) of one session's links. */
const pairsOfSession = (session: string, subject: string) =>
  `select ${subject} as subject, l.${SP_PROJ} as project, 1 as n from ${SP} l where l.${SP_SES} = ${session}`;

function installStatements(): string[] {
  return [
    // Links added, removed or changed. A session deleted with its links (ON DELETE CASCADE) is gone
    // when its links' DELETE runs, so the join finds nothing: the session's own trigger counted it.
    `create or replace function ${TRIGGER('links')}() returns trigger language plpgsql as $$
    begin
      if tg_op in ('DELETE', 'UPDATE') then ${apply(pairsOfLinks('removed'), -1)} end if;
      if tg_op in ('INSERT', 'UPDATE') then ${apply(pairsOfLinks('added'), 1)} end if;
      return null;
    end $$`,
    `create trigger ${TRIGGER('added')} after insert on ${SP} referencing new table as added
       for each statement execute function ${TRIGGER('links')}()`,
    `create trigger ${TRIGGER('removed')} after delete on ${SP} referencing old table as removed
       for each statement execute function ${TRIGGER('links')}()`,
    `create trigger ${TRIGGER('changed')} after update on ${SP} referencing old table as removed new table as added
       for each statement execute function ${TRIGGER('links')}()`,
    // A session deleted: its links still exist before the delete.
    `create or replace function ${TRIGGER('session_deleted')}() returns trigger language plpgsql as $$
    begin
      ${apply(pairsOfSession(`old.${SES_ID}`, `old.${SES_SUBJ}`), -1)}
      return old;
    end $$`,
    `create trigger ${TRIGGER('session_deleted')} before delete on ${SES}
       for each row execute function ${TRIGGER('session_deleted')}()`,
    // A session moved to another subject takes its projects along.
    `create or replace function ${TRIGGER('session_moved')}() returns trigger language plpgsql as $$
    begin
      ${apply(pairsOfSession(`old.${SES_ID}`, `old.${SES_SUBJ}`), -1)}
      ${apply(pairsOfSession(`new.${SES_ID}`, `new.${SES_SUBJ}`), 1)}
      return null;
    end $$`,
    `create trigger ${TRIGGER('session_moved')} after update of ${SES_SUBJ} on ${SES}
       for each row when (old.${SES_SUBJ} is distinct from new.${SES_SUBJ}) execute function ${TRIGGER('session_moved')}()`,
  ];
}

const CURRENT = ['added', 'removed', 'changed', 'session_deleted', 'session_moved'].map(TRIGGER);

async function triggerNames(db: Queryable): Promise<{ trigger: string; table: string }[]> {
  const r = (await db.execute(
    sql`select tgname as trigger, tgrelid::regclass::text as "table" from pg_trigger
      where not tgisinternal and tgname like ${PREFIX + '%'}
        and tgrelid in (to_regclass(${getTableName(sessionProjects)}), to_regclass(${getTableName(sessions)}))`,
  )) as unknown as { rows: { trigger: string; table: string }[] };
  return r.rows;
}

async function installed(db: Queryable): Promise<boolean> {
  const names = new Set((await triggerNames(db)).map((r) => r.trigger));
  return CURRENT.every((n) => names.has(n)) && names.size === CURRENT.length;
}

/** The table's rows as counted from the sessions: what it must hold (keys as the table's). */
const recount = () =>
  new QueryBuilder()
    .select({ subject: sessions.subject, project: sessionProjects.project, sessions: sql<number>`count(*)::integer`.as('sessions') })
    .from(sessionProjects)
    .innerJoin(sessions, eq(sessions.id, sessionProjects.session))
    .groupBy(sessions.subject, sessionProjects.project);

/** Recounts the whole table from the sessions. */
async function rebuild(db: Queryable): Promise<void> {
  await db.delete(summary);
  await db.insert(summary).select(recount());
}

async function install(db: Queryable): Promise<void> {
  if (await installed(db)) return;
  await db.transaction(async (tx) => {
    // Writers wait until the triggers and the recount are committed; a second server starting
    // at the same time waits here too and then finds the triggers in place.
    await tx.execute(sql`lock table ${sessionProjects}, ${sessions}, ${summary} in share row exclusive mode`);
    if (await installed(tx)) return;
    for (const { trigger, table } of await triggerNames(tx)) await tx.execute(sql.raw(`drop trigger ${q(trigger)} on ${table}`));
    for (const statement of installStatements()) await tx.execute(sql.raw(statement));
    await rebuild(tx);
  });
}

/** Rows of the table that a recount would not give, and recounted rows it lacks (`alyx doctor`). */
async function differences(db: Queryable): Promise<number> {
  const stored = new QueryBuilder().select({ subject: summary.subject, project: summary.project, sessions: summary.sessions }).from(summary);
  const r = (await db.execute(
    sql`select count(*)::integer as n from ((${recount()} except ${stored}) union all (${stored} except ${recount()})) d`,
  )) as unknown as { rows: { n: number }[] };
  return Number(r.rows[0].n);
}

export const sessionProjectsSummary: DerivedTable = { table: summary, label: 'session projects', install, rebuild, differences };

/** The names of the projects of each subject's sessions, sorted by name (one indexed query per page). */
export async function sessionProjectNames(subjectRows: Row[], ctx: RequestContext): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!subjectRows.length) return out;
  const found = await ctx.db
    .select({ subject: summary.subject, name: projects.name })
    .from(summary)
    .innerJoin(projects, eq(projects.id, summary.project))
    .where(and(inIds(summary.subject, subjectRows.map((r) => r.id)), gt(summary.sessions, 0)))
    .orderBy(asc(projects.name));
  for (const f of found) pushTo(out, f.subject, f.name);
  return out;
}

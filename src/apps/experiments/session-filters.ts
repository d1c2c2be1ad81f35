// Filtering and ordering experiments rows (insertions, trajectories, channels, FOVs, and the
// tasks of the jobs app) by their session. A condition on the session table is written once —
// where the sessions resource of the actions app already has the same filter, it is reused —
// and applied to a row as `<its session id> in (select id from sessions where <condition>)`.
import { eq, inArray, sql, type Column, type SQL } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import { bySlug, filter, type Filter } from '../../rest/filters.ts';
import { sessionProjects, sessions } from '../actions/tables.ts';
import { sessionResource } from '../actions/resources.ts';
import { projects, subjects } from '../subjects/tables.ts';
import { labs } from '../misc/tables.ts';
import { dateOf, numberOf } from './filter-values.ts';

const qb = new QueryBuilder();

/** ORDER BY expression: the start time of the row's session. */
export const sessionStart = (sessionCol: Column | SQL): SQL =>
  sql`${qb.select({ start_time: sessions.start_time }).from(sessions).where(eq(sessions.id, sessionCol))}`;

/** A filter of the /sessions list, which experiments lists offer with the same meaning. */
function sessionListFilter(name: string): Filter {
  const f = sessionResource.allFilters[name];
  if (!f) throw new Error(`the sessions resource has no ${name} filter`);
  return f;
}

/** Conditions on the session table, by the value a user gives. */
export const sessionMatches = {
  /** subject nickname, exact */
  subject: bySlug(sessions.subject, subjects, 'nickname'),
  /** lab name, exact */
  lab: bySlug(sessions.lab, labs, 'name'),
  /** lab name, case-insensitive */
  labIexact: sessionListFilter('lab'),
  taskProtocolIcontains: sessionListFilter('task_protocol'),
  projectIcontains: sessionListFilter('project'),
  project: filter((v) =>
    inArray(
      sessions.id,
      qb.select({ session: sessionProjects.session }).from(sessionProjects).innerJoin(projects, eq(projects.id, sessionProjects.project)).where(eq(projects.name, v)),
    ),
  ),
  date: filter((v, ctx) => sql`${sessions.start_time}::date = ${dateOf(v, ctx)}::date`),
  number: filter((v, ctx) => sql`${sessions.number} = ${numberOf(v, ctx)}`),
} satisfies Record<string, Filter>;

/** Rows whose session (`sessionCol`, a column or a scalar subquery) satisfies a session filter. */
export function bySession(sessionCol: Column | SQL, onSessions: Filter): Filter {
  return {
    async apply(value, ctx) {
      const condition = await onSessions.apply(value, ctx);
      if (!condition) return undefined;
      // the subquery renders with its parentheses
      return sql`${sessionCol} in ${qb.select({ id: sessions.id }).from(sessions).where(condition)}`;
    },
  };
}

/** Session filters shared by insertions, trajectories and FOVs. */
export function sessionFilters(sessionCol: Column | SQL, o: { projectExact?: boolean } = {}): Record<string, Filter> {
  return {
    subject: bySession(sessionCol, sessionMatches.subject),
    date: bySession(sessionCol, sessionMatches.date),
    experiment_number: bySession(sessionCol, sessionMatches.number),
    project: bySession(sessionCol, o.projectExact ? sessionMatches.project : sessionMatches.projectIcontains),
  };
}

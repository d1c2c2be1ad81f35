// The nested `session_info` object of insertions, trajectories and chronic insertions: a summary
// of the session (subject, start time, number, lab, projects, task protocol), loaded for a whole
// page with two queries.
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { custom, type Field, type Row } from '../../rest/fields.ts';
import { formatDateTime } from '../../rest/values.ts';
import type { RequestContext } from '../../rest/context.ts';
import { pushTo } from '../../rest/group.ts';
import { sessionProjects, sessions } from '../actions/tables.ts';
import { projects, subjects } from '../subjects/tables.ts';
import { labs } from '../misc/tables.ts';

export interface SessionInfo {
  subject: string | null;
  start_time: string | null;
  number: number | null;
  lab: string | null;
  id: string;
  projects: string[];
  task_protocol: string | null;
}

/** session_info objects for a set of session ids: two queries whatever the number of sessions. */
export async function loadSessionInfo(db: Queryable, ids: unknown[]): Promise<Map<string, SessionInfo>> {
  const uniq = [...new Set(ids.filter((v): v is string => typeof v === 'string'))];
  const out = new Map<string, SessionInfo>();
  if (uniq.length === 0) return out;
  const rows = await db
    .select({
      id: sessions.id,
      subject: subjects.nickname,
      start_time: sql<string | null>`${sessions.start_time}::text`,
      number: sessions.number,
      lab: labs.name,
      task_protocol: sessions.task_protocol,
    })
    .from(sessions)
    .leftJoin(subjects, eq(subjects.id, sessions.subject))
    .leftJoin(labs, eq(labs.id, sessions.lab))
    .where(inArray(sessions.id, uniq));
  const names = await db
    .select({ session: sessionProjects.session, name: projects.name })
    .from(sessionProjects)
    .innerJoin(projects, eq(projects.id, sessionProjects.project))
    .where(inArray(sessionProjects.session, uniq))
    .orderBy(asc(projects.name));
  const bySession = new Map<string, string[]>();
  for (const p of names) pushTo(bySession, p.session, p.name);
  for (const r of rows) {
    out.set(r.id, {
      subject: r.subject,
      start_time: formatDateTime(r.start_time),
      number: r.number === null ? null : Number(r.number),
      lab: r.lab,
      id: r.id,
      projects: bySession.get(r.id) ?? [],
      task_protocol: r.task_protocol,
    });
  }
  return out;
}

/** A read-only session_info field: `sessionIds` gives the session of each row of the page. */
export function sessionInfoField(
  sessionIds: (rows: Row[], ctx: RequestContext) => Promise<Map<unknown, string | null>> | Map<unknown, string | null>,
): Field {
  return custom({
    kind: 'computed',
    readOnly: true,
    nullable: true,
    schema: {
      type: 'object',
      nullable: true,
      readOnly: true,
      properties: {
        subject: { type: 'string' },
        start_time: { type: 'string', format: 'date-time' },
        number: { type: 'integer' },
        lab: { type: 'string' },
        id: { type: 'string', format: 'uuid' },
        projects: { type: 'array', items: { type: 'string' } },
        task_protocol: { type: 'string' },
      },
    },
    async render(rows, ctx) {
      const byRow = await sessionIds(rows, ctx);
      const info = await loadSessionInfo(ctx.db, [...byRow.values()]);
      return (row) => {
        const sid = byRow.get(row.id);
        return sid ? (info.get(sid) ?? null) : null;
      };
    },
  });
}

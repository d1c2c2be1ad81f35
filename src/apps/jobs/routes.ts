// GET /tasks-summary/<session uuid>: the tasks of one session counted by status (and by graph),
// so a dashboard or a worker sees a session's progress in one request. Upstream has no such endpoint.
import type { FastifyInstance } from 'fastify';
import { sql } from 'drizzle-orm';
import { query } from '../../db/client.ts';
import type { Services } from '../app.ts';
import { notFound } from '../../rest/errors.ts';
import { formatDateTime, normalizeUuid } from '../../rest/values.ts';
import { TASK_STATUSES, statusLabel } from './status.ts';

export interface TaskSummary {
  session: string;
  count: number;
  status: Record<string, number>;
  graphs: Record<string, Record<string, number>>;
  last_update: string | null;
}

function emptyCounts(): Record<string, number> {
  return Object.fromEntries(TASK_STATUSES.map(([, l]) => [l, 0]));
}

export async function taskSummary(db: Services['db'], sessionId: string): Promise<TaskSummary | null> {
  const found = await query(db, sql`select 1 from actions_session where id = ${sessionId}`);
  if (!found.length) return null;
  const rows = await query<{ graph: string | null; status: number; n: number; last: string | null }>(
    db,
    sql`select graph, status, count(*)::int as n, max(datetime)::text as last from jobs_task
        where session_id = ${sessionId} group by graph, status order by graph nulls first, status`,
  );
  const summary: TaskSummary = { session: sessionId, count: 0, status: emptyCounts(), graphs: {}, last_update: null };
  let last: string | null = null;
  for (const r of rows) {
    const label = statusLabel(Number(r.status)) ?? String(r.status);
    const n = Number(r.n);
    summary.count += n;
    summary.status[label] = (summary.status[label] ?? 0) + n;
    const g = r.graph ?? '';
    summary.graphs[g] ??= emptyCounts();
    summary.graphs[g][label] = (summary.graphs[g][label] ?? 0) + n;
    if (r.last && (last === null || r.last > last)) last = r.last;
  }
  summary.last_update = formatDateTime(last);
  return summary;
}

export async function jobsRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const schema = {
    description:
      'Tasks of one session counted by status label (all labels present) and by graph, with the time of the last task update.',
    params: { type: 'object', properties: { session: { type: 'string', description: 'session UUID' } } },
  };
  app.get('/tasks-summary/:session', { schema }, async (request) => {
    const id = normalizeUuid((request.params as { session: string }).session);
    if (!id) throw notFound('Session');
    const summary = await taskSummary(services.db, id);
    if (!summary) throw notFound('Session');
    return summary;
  });
}

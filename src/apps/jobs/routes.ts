// GET /tasks-summary/<session uuid>: the tasks of one session counted by status (and by graph),
// so a dashboard or a worker sees a session's progress in one request. Upstream has no such endpoint.
import type { FastifyInstance } from 'fastify';
import { asc, count, eq, sql } from 'drizzle-orm';
import type { Services } from '../app.ts';
import { notFound } from '../../rest/errors.ts';
import { formatDateTime, normalizeUuid } from '../../rest/values.ts';
import { sessions } from '../actions/tables.ts';
import { TASK_STATUSES, statusLabel } from './status.ts';
import { tasks } from './tables.ts';

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
  const found = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.id, sessionId));
  if (!found.length) return null;
  const rows = await db
    .select({ graph: tasks.graph, status: tasks.status, n: count(), last: sql<string | null>`max(${tasks.datetime})::text` })
    .from(tasks)
    .where(eq(tasks.session, sessionId))
    .groupBy(tasks.graph, tasks.status)
    .orderBy(sql`${tasks.graph} nulls first`, asc(tasks.status));
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

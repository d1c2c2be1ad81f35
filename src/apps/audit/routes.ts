// GET /history: the audit trail, DRF-paginated, newest first.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.ts';
import { contextOf } from '../../rest/context.ts';
import { envelope, paginationParams } from '../../rest/pagination.ts';
import { checkHistoryReader } from '../../rest/permissions.ts';
import { absoluteUrl, queryOf } from '../../rest/routes.ts';
import { historyPage, historyWhere } from './history.ts';

const FILTERS = {
  object: 'primary key (uuid) of the object',
  user: 'username of the user who made the change',
  since: 'changes at or after this date or datetime (ISO 8601; without an offset: the lab time zone)',
  model: 'model: "subjects.subject" or "subject"',
  action: 'create, update, delete or import',
  limit: 'page size (default 250, at most 1000)',
  offset: 'first entry of the page',
};

export async function historyRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const schema = {
    description:
      'The audit trail: every create, update and delete (REST, web UI, CLI, imports), newest first, with who, when, from where and the field-level changes.',
    querystring: { type: 'object', properties: Object.fromEntries(Object.entries(FILTERS).map(([k, d]) => [k, { type: 'string', description: d }])) },
  };
  app.get('/history', { schema }, async (request) => {
    const ctx = contextOf(request, services);
    checkHistoryReader(ctx.user);
    const q = queryOf(request);
    const where = historyWhere(
      { object: q.get('object') ?? undefined, user: q.get('user') ?? undefined, since: q.get('since') ?? undefined, model: q.get('model') ?? undefined, action: q.get('action') ?? undefined },
      services.config.timeZone,
    );
    const { limit, offset } = paginationParams(q);
    const page = await historyPage(services.db, where, limit, offset);
    return envelope({ ...page, limit, offset }, absoluteUrl(request));
  });
}

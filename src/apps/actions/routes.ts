// Custom endpoints of the actions app: `/water-requirement/<nickname>` (the daily water table),
// and `/water-type/<name>`, which upstream serves with the list/create view (a trap clients see).
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { contextOf } from '../../rest/context.ts';
import { ApiError, methodNotAllowed, notFound, validationError } from '../../rest/errors.ts';
import { envelope } from '../../rest/pagination.ts';
import { absoluteUrl, queryOf } from '../../rest/routes.ts';
import { parseDateInput, DATE_FORMAT_ERROR, nowInZone } from '../../rest/values.ts';
import type { RequestContext } from '../../rest/context.ts';
import { waterTypeResource } from './resources.ts';
import { DAY_MS, WaterDataError, naiveMs } from './water.ts';
import { subjectRowsByNickname, waterControls } from './water-figures.ts';
import { adminPages } from './admin-pages.ts';

/** Longest daily table served (a mouse lives a few years; this only stops absurd ranges). */
const MAX_DAYS = 36_600;

type DateRange = Record<'start_date' | 'end_date', string | null>;

/** start_date / end_date of the query: valid dates, in order, spanning at most MAX_DAYS. */
function waterTableRange(q: URLSearchParams, timeZone: string): DateRange {
  const errors: Record<string, string[]> = {};
  const dates: DateRange = { start_date: null, end_date: null };
  for (const key of ['start_date', 'end_date'] as const) {
    const raw = q.get(key);
    if (raw === null || raw === '') continue;
    const d = parseDateInput(raw);
    if (!d) errors[key] = [DATE_FORMAT_ERROR];
    else dates[key] = d;
  }
  if (Object.keys(errors).length) throw validationError(errors);
  if (dates.start_date && dates.end_date && dates.end_date < dates.start_date) {
    throw validationError({ end_date: ['end_date must not be before start_date.'] });
  }
  const span = (naiveMs(dates.end_date ?? nowInZone(timeZone).slice(0, 10)) - naiveMs(dates.start_date ?? '1900-01-01')) / DAY_MS;
  if (dates.start_date && span > MAX_DAYS) throw validationError({ start_date: [`The table covers at most ${MAX_DAYS} days.`] });
  return dates;
}

/** The daily water table of the one subject with this nickname. */
async function waterRequirement(ctx: RequestContext, nickname: string, dates: DateRange) {
  const rows = await subjectRowsByNickname(ctx.db, nickname, 2);
  if (rows.length === 0) throw notFound('Subject');
  if (rows.length > 1) throw new ApiError(400, { detail: `Several subjects have nickname=${nickname}.` });
  try {
    const wc = (await waterControls(ctx.db, rows, { serverTimeZone: ctx.config.timeZone, strict: true })).get(rows[0].id)!;
    const records = wc.records(dates.start_date, dates.end_date);
    const implant = wc.referenceImplantWeightAt(dates.start_date ? naiveMs(dates.start_date) : undefined);
    return {
      subject: nickname,
      implant_weight: implant,
      reference_weight_pct: wc.rwPct,
      zscore_weight_pct: wc.zwPct,
      records,
    };
  } catch (e) {
    if (e instanceof WaterDataError) throw new ApiError(400, { detail: e.message });
    throw e;
  }
}

export async function actionRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.route({
    method: ['GET', 'POST'],
    url: '/water-type/:name',
    schema: {
      description: 'Same as /water-type: GET lists every water type (the name is ignored), POST creates one (upstream behaviour).',
      params: { type: 'object', properties: { name: { type: 'string' } } },
    },
    handler: async (request, reply) => {
      const ctx = contextOf(request, services);
      if (request.method === 'GET') return envelope(await waterTypeResource.list(ctx, queryOf(request)), absoluteUrl(request));
      if (request.method === 'POST') {
        const body = (request.body ?? {}) as Record<string, unknown>;
        return reply.code(201).send(await waterTypeResource.create(ctx, body, request.isForm ?? false));
      }
      throw methodNotAllowed(request.method);
    },
  });

  app.get('/water-requirement/:nickname', {
    schema: {
      description:
        'Daily water-control table of a subject: weight, reference/expected/minimum weight, water given and required, ' +
        'from start_date to end_date (YYYY-MM-DD; default: first weighing or water administration, and today).',
      params: { type: 'object', properties: { nickname: { type: 'string' } } },
      querystring: {
        type: 'object',
        properties: { start_date: { type: 'string' }, end_date: { type: 'string' } },
      },
    },
    handler: async (request) => {
      const ctx = contextOf(request, services);
      const { nickname } = request.params as { nickname: string };
      return waterRequirement(ctx, nickname, waterTableRange(queryOf(request), ctx.config.timeZone));
    },
  });

  await adminPages(app, services);
}

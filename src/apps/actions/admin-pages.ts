// Admin helper pages (spec-core §2.18): the water history table, the weighing plot, the weekly
// training view and the subject's action history. Plain HTML/SVG for the web UI to embed; they
// need a logged-in user like every other route (upstream leaves the HTML ones open).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Services } from '../app.ts';
import { contextOf } from '../../rest/context.ts';
import { formatDateTime, normalizeUuid, nowInZone, parseDateInput } from '../../rest/values.ts';
import { users } from '../misc/tables.ts';
import { subjects } from '../subjects/tables.ts';
import { chronicRecordings, otherActions, sessions, surgeries, virusInjections, waterRestrictions, waterTypes } from './tables.ts';
import { DAY_MS, WaterDataError, isoDate, naiveMs, type WaterControl, type WaterRecord } from './water.ts';
import { waterControlOf } from './water-figures.ts';

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (v: number | null, digits = 2) => (v === null || v === undefined || Number.isNaN(v) ? '' : v.toFixed(digits));

function page(reply: FastifyReply, title: string, body: string) {
  return reply
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>` +
        'body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}' +
        'th{background:#f3f3f3}tr.off td{color:#aaa}td.l,th.l{text-align:left}.red{color:#c00}.orange{color:#e80}</style></head>' +
        `<body><h1>${esc(title)}</h1>${body}</body></html>`,
    );
}

async function subjectOrNull(services: Services, id: string) {
  const uuid = normalizeUuid(id);
  if (!uuid) return null;
  const [s] = await services.db.select().from(subjects).where(eq(subjects.id, uuid));
  return s ?? null;
}

/** The weighing plot as SVG: weights, reference and z-score weights, and the threshold lines. */
export function weighingPlotSvg(wc: WaterControl): string {
  const W = 800;
  const H = 300;
  const pad = { l: 50, r: 15, t: 30, b: 35 };
  const pts = wc.weighings;
  const title = `Weighings for ${wc.nickname} (weight > ${wc.rwPct.toFixed(1)}*ref + ${wc.zwPct.toFixed(1)}*zscore)`;
  if (!pts.length) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="${W / 2}" y="${H / 2}" text-anchor="middle">${esc(title)}: no weighings</text></svg>`;
  }
  const x0 = pts[0][0];
  const x1 = Math.max(pts[pts.length - 1][0], x0 + DAY_MS);
  const series = pts.map(([t, w]) => ({ t, w, e: wc.expectedWeight(t), i: wc.implantWeight(t), r: wc.referenceWeight(t), z: wc.zscoreWeight(t), on: wc.isWaterRestricted(t) }));
  const ys = series.flatMap((s) => [s.w, s.on ? s.e : s.w]).filter((v) => v > 0);
  const y0 = Math.floor(Math.min(...ys) * 0.7);
  const y1 = Math.ceil(Math.max(...ys) * 1.05);
  const X = (t: number) => pad.l + ((t - x0) / (x1 - x0)) * (W - pad.l - pad.r);
  const Y = (v: number) => H - pad.b - ((v - y0) / Math.max(y1 - y0, 1)) * (H - pad.t - pad.b);
  const line = (vals: Array<[number, number]>, style: string) =>
    vals.length ? `<polyline fill="none" ${style} points="${vals.map(([t, v]) => `${X(t).toFixed(1)},${Y(v).toFixed(1)}`).join(' ')}"/>` : '';
  const on = series.filter((s) => s.on);
  const parts: string[] = [];
  for (const [p, level] of wc.thresholds) {
    const color = level === 'red' ? '#F08699' : '#FFC28E';
    parts.push(line(on.map((s) => [s.t, p * (s.e - s.i) + s.i]), `stroke="${color}" stroke-width="2"${level === 'red' ? ' stroke-dasharray="6,4"' : ''}`));
  }
  parts.push(line(on.map((s) => [s.t, s.r]), 'stroke="blue" stroke-dasharray="4,3"'));
  parts.push(line(on.map((s) => [s.t, s.z]), 'stroke="green" stroke-dasharray="8,3,2,3"'));
  parts.push(line(series.map((s) => [s.t, s.w]), 'stroke="black" stroke-width="2"'));
  for (const s of series) parts.push(`<circle cx="${X(s.t).toFixed(1)}" cy="${Y(s.w).toFixed(1)}" r="2.5"/>`);
  const ticks = [y0, (y0 + y1) / 2, y1].map((v) => `<text x="${pad.l - 5}" y="${Y(v) + 4}" text-anchor="end" font-size="11">${v.toFixed(1)}</text>`);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">` +
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="13">${esc(title)}</text>` +
    `<rect x="${pad.l}" y="${pad.t}" width="${W - pad.l - pad.r}" height="${H - pad.t - pad.b}" fill="none" stroke="#999"/>` +
    ticks.join('') +
    `<text x="${pad.l}" y="${H - 12}" font-size="11">${isoDate(x0)}</text><text x="${W - pad.r}" y="${H - 12}" text-anchor="end" font-size="11">${isoDate(x1)}</text>` +
    `<text x="12" y="${H / 2}" font-size="11" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">Weight (g)</text>` +
    parts.join('') +
    '</svg>'
  );
}

/** Monday of the week of a date ("YYYY-MM-DD"). */
export function mondayOf(date: string): string {
  const ms = naiveMs(date);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday = 0
  return isoDate(ms - weekday * DAY_MS);
}

type SubjectRow = typeof subjects.$inferSelect;
type Db = Services['db'];

// ---- water history -------------------------------------------------------------------------------

const HISTORY_HEAD = ['date', 'weight', 'weight ref', 'weight exp', 'weight pct', 'weight min', 'water reward', 'water suppl.', 'water tot', 'water exp', 'water excess', 'implant weight'];

function waterHistoryRow(r: WaterRecord): string {
  return (
    `<tr class="${r.is_water_restricted ? 'on' : 'off'}"><td class="l">${r.date}</td><td>${num(r.weighing_at)}</td><td>${num(r.reference_weight)}</td>` +
    `<td>${num(r.expected_weight)}</td><td>${r.percentage_weight ? num(r.percentage_weight, 1) + '%' : '-'}</td><td>${num(r.min_weight)}</td>` +
    `<td>${num(r.given_water_reward)}</td><td>${num(r.given_water_supplement)}</td><td>${num(r.given_water_total)}</td>` +
    `<td>${num(r.expected_water)}</td><td>${num(r.excess_water)}</td><td>${num(r.implant_weight)}</td></tr>`
  );
}

/** The daily water table, newest first, under the weighing plot (or why it cannot be computed). */
async function waterHistoryBody(services: Services, s: SubjectRow): Promise<string> {
  let rows: WaterRecord[];
  try {
    const wc = await waterControlOf(services.db, s.id, { serverTimeZone: services.config.timeZone, strict: true });
    rows = wc!.records().reverse();
  } catch (e) {
    if (!(e instanceof WaterDataError)) throw e;
    return `<p>${esc(e.message)}</p>`;
  }
  const head = HISTORY_HEAD.map((h, i) => `<th${i ? '' : ' class="l"'}>${h}</th>`).join('');
  return `<p><img src="/admin-actions/weighing-plot/${s.id}" alt="weighing plot"></p><table><tr>${head}</tr>${rows.map(waterHistoryRow).join('')}</table>`;
}

// ---- training week -------------------------------------------------------------------------------

/** Subjects under an open water restriction, with their responsible user. */
function restrictedSubjects(db: Db) {
  return db
    .selectDistinct({ id: subjects.id, nickname: subjects.nickname, username: users.username })
    .from(waterRestrictions)
    .innerJoin(subjects, eq(subjects.id, waterRestrictions.subject))
    .leftJoin(users, eq(users.id, subjects.responsible_user))
    .where(and(isNotNull(waterRestrictions.start_time), isNull(waterRestrictions.end_time)))
    .orderBy(asc(users.username), asc(subjects.nickname));
}

/** The days (YYYY-MM-DD) with a session, per subject, in [from, to). */
async function sessionDays(db: Db, ids: string[], from: string, to: string): Promise<Map<string, Set<string>>> {
  const days = ids.length
    ? await db
        .selectDistinct({ subject: sessions.subject, day: sql<string>`(${sessions.start_time})::date::text` })
        .from(sessions)
        .where(and(inArray(sessions.subject, ids), gte(sessions.start_time, from), lt(sessions.start_time, to)))
    : [];
  const bySubject = new Map<string, Set<string>>();
  for (const d of days) bySubject.set(d.subject, (bySubject.get(d.subject) ?? new Set()).add(d.day));
  return bySubject;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Which restricted subjects trained on which day of the week of `date` (default this week). */
async function trainingWeek(services: Services, date: string | null): Promise<{ title: string; body: string }> {
  const today = nowInZone(services.config.timeZone).slice(0, 10);
  const monday = mondayOf(date ?? today);
  const nextMonday = isoDate(naiveMs(monday) + 7 * DAY_MS);
  const restricted = await restrictedSubjects(services.db);
  const bySubject = await sessionDays(services.db, restricted.map((r) => r.id), monday, nextMonday);
  const week = Array.from({ length: 7 }, (_, i) => isoDate(naiveMs(monday) + i * DAY_MS));
  const rows = restricted
    .map((r) => {
      const set = bySubject.get(r.id) ?? new Set();
      const n = set.size;
      return (
        `<tr><td class="l"><a href="/admin/subjects/${r.id}">${esc(r.nickname)}</a></td><td class="l">${esc(r.username ?? '')}</td>` +
        `<td>${n}</td><td>${n >= 5 ? 'ok' : ''}</td>${week.map((d) => `<td>${set.has(d) ? '✓' : '✗'}</td>`).join('')}</tr>`
      );
    })
    .join('');
  const prev = isoDate(naiveMs(monday) - 7 * DAY_MS);
  return {
    title: `Training sessions, week of ${monday}`,
    body:
      `<p><a href="/admin-actions/training/${prev}">previous week</a> · <a href="/admin-actions/training/">today</a> · <a href="/admin-actions/training/${nextMonday}">next week</a></p>` +
      `<table><tr><th class="l">subject</th><th class="l">user</th><th>days</th><th></th>${WEEKDAYS.map((d, i) => `<th>${d} ${week[i].slice(5)}</th>`).join('')}</tr>${rows}</table>`,
  };
}

// ---- subject history -----------------------------------------------------------------------------

type HistoryItem = { id: string; start_time: string | null; model: string; type: string; extra: string };

/** Every action of a subject, newest first. */
async function actionHistory(db: Db, subjectId: string): Promise<HistoryItem[]> {
  const plain = (t: typeof surgeries | typeof otherActions | typeof virusInjections | typeof chronicRecordings, model: string) =>
    db
      .select({ id: t.id, start_time: t.start_time })
      .from(t)
      .where(eq(t.subject, subjectId))
      .then((rows) => rows.map((r) => ({ ...r, model, type: '', extra: '' })));
  const [ses, wrs, ...rest] = await Promise.all([
    db
      .select({ id: sessions.id, start_time: sessions.start_time, type: sessions.type, number: sessions.number, nc: sessions.n_correct_trials, nt: sessions.n_trials })
      .from(sessions)
      .where(eq(sessions.subject, subjectId)),
    db
      .select({ id: waterRestrictions.id, start_time: waterRestrictions.start_time, type: waterTypes.name })
      .from(waterRestrictions)
      .leftJoin(waterTypes, eq(waterTypes.id, waterRestrictions.water_type))
      .where(eq(waterRestrictions.subject, subjectId)),
    plain(surgeries, 'surgery'),
    plain(otherActions, 'other action'),
    plain(virusInjections, 'virus injection'),
    plain(chronicRecordings, 'chronic recording'),
  ]);
  return [
    ...ses.map((r) => ({ id: r.id, start_time: r.start_time, model: 'session', type: r.type ?? '', extra: `${r.number ?? ''} · ${r.nc ?? ''}/${r.nt ?? ''}` })),
    ...wrs.map((r) => ({ id: r.id, start_time: r.start_time, model: 'water restriction', type: r.type ?? '', extra: '' })),
    ...rest.flat(),
  ].sort((a, b) => String(b.start_time ?? '').localeCompare(String(a.start_time ?? '')));
}

function subjectHistoryBody(items: HistoryItem[]): string {
  const rows = items
    .map((r) => `<tr><td class="l">${esc(r.model)}</td><td class="l">${esc(r.type)}</td><td class="l">${esc(formatDateTime(r.start_time) ?? '')}</td><td class="l">${esc(r.extra)}</td></tr>`)
    .join('');
  return `<table><tr><th class="l">action</th><th class="l">type</th><th class="l">start</th><th class="l">session number · trials</th></tr>${rows}</table>`;
}

// ---- routes --------------------------------------------------------------------------------------

const notFoundPage = (reply: FastifyReply) => reply.code(404).type('text/html').send('<h1>Not found</h1>');
const subjectParam = (request: FastifyRequest) => (request.params as { subject: string }).subject;

export async function adminPages(app: FastifyInstance, services: Services): Promise<void> {
  // no `schema`: these pages stay out of the API description
  const hide = {};

  app.get('/admin-actions/weighing-plot/:subject', hide, async (request, reply) => {
    const s = await subjectOrNull(services, subjectParam(request));
    if (!s) return reply.code(200).type('image/svg+xml').send('');
    const wc = await waterControlOf(services.db, s.id, { serverTimeZone: services.config.timeZone });
    return reply.type('image/svg+xml').send(wc ? weighingPlotSvg(wc) : '');
  });

  app.get('/admin-actions/water-history/:subject', hide, async (request, reply) => {
    const s = await subjectOrNull(services, subjectParam(request));
    if (!s) return notFoundPage(reply);
    return page(reply, `Water history of ${s.nickname}`, await waterHistoryBody(services, s));
  });

  const training = async (date: string | null, reply: FastifyReply) => {
    const { title, body } = await trainingWeek(services, date);
    return page(reply, title, body);
  };
  app.get('/admin-actions/training/', hide, async (_request, reply) => training(null, reply));
  app.get('/admin-actions/training/:date', hide, async (request, reply) => {
    const date = parseDateInput((request.params as { date: string }).date);
    if (!date) return notFoundPage(reply);
    return training(date, reply);
  });

  app.get('/admin-actions/subject-history/:subject', hide, async (request, reply) => {
    const s = await subjectOrNull(services, subjectParam(request));
    if (!s) return notFoundPage(reply);
    const items = await actionHistory(contextOf(request, services).db, s.id);
    return page(reply, `History of ${s.nickname}`, subjectHistoryBody(items));
  });
}

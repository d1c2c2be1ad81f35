// GET /api/dashboard: the web UI's home page in one request. Counts, the water-restricted subjects
// with today's figures and flags (from the water-control code every other view uses), and the last
// sessions. A bounded number of queries whatever the colony size: 1 for the counts, 1 for the
// restricted subjects, 5 for their water figures (water-figures.ts), 1 for the recent sessions.
import { and, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../app.ts';
import { nowInZone } from '../../rest/values.ts';
import { labs } from '../misc/tables.ts';
import { subjects } from '../subjects/tables.ts';
import { sessions, waterRestrictions } from '../actions/tables.ts';
import { waterControls, type SubjectLike } from '../actions/water-figures.ts';
import { DAY_MS, isoDate, isoDateTime, naiveMs } from '../actions/water.ts';
import { datasets } from './tables.ts';

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface RestrictedSubjectRow {
  nickname: string;
  lab: string | null;
  /** today's weighing (g), null when not weighed today */
  weight_today: number | null;
  /** the last weight on or before today (g), 0 when never weighed */
  last_weight: number;
  expected_weight: number;
  /** weight as % of the expected weight (0 when unavailable) */
  percentage_weight: number;
  min_weight: number;
  expected_water: number;
  given_water: number;
  remaining_water: number;
  restricted_since: string | null;
  flags: { below_threshold: boolean; weight_warning: boolean; not_weighed_today: boolean; no_water_today: boolean };
}

export async function dashboard(services: Services) {
  const db = services.db;
  const tz = services.config.timeZone;
  const today = nowInZone(tz).slice(0, 10);
  const weekAgo = isoDate(naiveMs(today) - 6 * DAY_MS);
  const openRestriction = sql`exists (select 1 from ${waterRestrictions} where ${waterRestrictions.subject} = ${subjects.id}
    and ${waterRestrictions.start_time} is not null and ${waterRestrictions.end_time} is null)`;

  const [counts] = await db
    .select({
      alive: sql<number>`(select count(*) from ${subjects} where ${subjects.death_date} is null)`.mapWith(Number),
      restricted: sql<number>`(select count(*) from ${subjects} where ${subjects.death_date} is null and ${openRestriction})`.mapWith(Number),
      sessions_this_week: sql<number>`(select count(*) from ${sessions} where ${sessions.start_time} >= ${weekAgo}::timestamp)`.mapWith(Number),
      datasets: sql<number>`(select count(*) from ${datasets})`.mapWith(Number),
    })
    .from(sql`(select 1) as one`);

  const restrictedRows = (await db
    .select({ id: subjects.id, nickname: subjects.nickname, birth_date: subjects.birth_date, sex: subjects.sex, lab: subjects.lab, lab_name: labs.name })
    .from(subjects)
    .leftJoin(labs, eq(labs.id, subjects.lab))
    .where(and(isNull(subjects.death_date), openRestriction))
    .orderBy(subjects.nickname)
    .limit(500)) as Array<SubjectLike & { lab_name: string | null }>;

  const wcs = await waterControls(db, restrictedRows, {
    serverTimeZone: tz,
    administrationsSince: isoDate(naiveMs(today) - 2 * DAY_MS),
    summaryOn: today,
  });
  const restricted: RestrictedSubjectRow[] = [];
  for (const s of restrictedRows) {
    const wc = wcs.get(s.id);
    if (!wc || !wc.isWaterRestricted()) continue;
    const status = wc.weightStatus();
    const since = wc.waterRestrictionAt();
    restricted.push({
      nickname: s.nickname,
      lab: s.lab_name,
      weight_today: wc.weighingAt(),
      last_weight: wc.weight(),
      expected_weight: round(wc.expectedWeight(), 2),
      percentage_weight: round(wc.percentageWeight(), 1),
      min_weight: round(wc.minWeight(), 2),
      expected_water: round(wc.expectedWater(), 3),
      given_water: round(wc.givenWater(), 3),
      remaining_water: round(wc.remainingWater(), 3),
      restricted_since: since === null ? null : isoDateTime(since),
      flags: {
        below_threshold: status === 2,
        weight_warning: status === 1,
        not_weighed_today: wc.weighingAt() === null,
        no_water_today: wc.givenWater() === 0,
      },
    });
  }
  // the subjects that need attention first
  const urgency = (r: RestrictedSubjectRow) => Number(r.flags.below_threshold) * 4 + Number(r.flags.not_weighed_today) * 2 + Number(r.flags.no_water_today);
  restricted.sort((a, b) => urgency(b) - urgency(a) || a.nickname.localeCompare(b.nickname));

  const recent = await db
    .select({ id: sessions.id, subject: subjects.nickname, start_time: sessions.start_time, number: sessions.number, lab: labs.name, task_protocol: sessions.task_protocol })
    .from(sessions)
    .leftJoin(subjects, eq(subjects.id, sessions.subject))
    .leftJoin(labs, eq(labs.id, sessions.lab))
    .where(isNotNull(sessions.start_time))
    .orderBy(desc(sessions.start_time), desc(sessions.id))
    .limit(10);

  return {
    date: today,
    counts: { ...counts, restricted_today: restricted.length },
    restricted_subjects: restricted,
    recent_sessions: recent.map((r) => ({ ...r, start_time: r.start_time ? r.start_time.replace(' ', 'T') : null })),
  };
}

export function dashboardRoutes(app: FastifyInstance, services: Services): void {
  // authenticated like every route; the figures are the same for every user
  app.get('/api/dashboard', async () => dashboard(services));
}

// Water figures of subjects: the one place that loads water-control inputs from the database, keeps
// the per-page cache of today's figures and owns the defaults (a subject without a lab, or without
// usable water data). The formulas themselves are pure, in water.ts.
//
// Loading takes a constant number of queries (one per table) for a page of subjects, whatever the
// page size.
import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/client.ts';
import type { RequestContext } from '../../rest/context.ts';
import { computed, type Field, type Row } from '../../rest/fields.ts';
import { pushTo } from '../../rest/group.ts';
import { nowInZone } from '../../rest/values.ts';
import { labs } from '../misc/tables.ts';
import { NO_WATER_INFO, type SubjectWaterInfo } from '../subjects/extensions.ts';
import { subjects } from '../subjects/tables.ts';
import { surgeries, waterAdministrations, waterRestrictions, weighings } from './tables.ts';
import { DAY_MS, WaterControl, WaterDataError, isValidTimeZone, isoDate, naiveMs, type WaterInputs } from './water.ts';
import { inIds } from '../../db/ids.ts';

// ---- defaults -------------------------------------------------------------------------------------

/** Lab settings when a subject has no lab: no reference or z-score weighting, the server's zone. */
export const NO_LAB = { timezone: null, reference_weight_pct: 0, zscore_weight_pct: 0 } as const;

/** Time zone used when a lab names a zone that does not exist. */
const FALLBACK_TIME_ZONE = 'Europe/London';

/** What subjects show without water figures (no data, or unusable data): upstream's values for a subject never weighed. */
export const NO_WATER: SubjectWaterInfo = NO_WATER_INFO;

/** Lab time zone of water control: the lab's, else the server's; an invalid name falls back to Europe/London. */
export function labTimeZone(labTz: string | null | undefined, serverTz: string): string {
  if (!labTz) return serverTz;
  return isValidTimeZone(labTz) ? labTz : FALLBACK_TIME_ZONE;
}

// ---- loading ---------------------------------------------------------------------------------------

/** The subject columns water control needs. */
const SUBJECT_COLUMNS = { id: subjects.id, nickname: subjects.nickname, birth_date: subjects.birth_date, sex: subjects.sex, lab: subjects.lab };
export interface SubjectLike {
  id: string;
  nickname: string;
  birth_date: string | null;
  sex: string | null;
  lab: string | null;
}

export interface LoadOptions {
  serverTimeZone: string;
  /** the current instant (epoch ms); tests fix it */
  now?: number;
  /**
   * Only water administrations from this server-local date on are needed (the summary of today);
   * omit to load them all (daily tables).
   */
  administrationsSince?: string | null;
  /** throw WaterDataError for unusable data (else that subject is left out of the result) */
  strict?: boolean;
  /**
   * Only today's numbers will be asked for (server-local date "YYYY-MM-DD"): load the weighings
   * around today and around the start of each restriction without a stored reference weight,
   * plus the last one before each, instead of the whole history (see relevantWeighings).
   */
  summaryOn?: string;
}

export type LabWaterSettings = { timezone: string | null; reference_weight_pct: number; zscore_weight_pct: number };

/** Water-control settings of labs, by lab id. */
export async function labWaterSettings(db: Queryable, labIds: string[]): Promise<Map<string, LabWaterSettings>> {
  const ids = [...new Set(labIds.filter(Boolean))];
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: labs.id, timezone: labs.timezone, reference_weight_pct: labs.reference_weight_pct, zscore_weight_pct: labs.zscore_weight_pct })
    .from(labs)
    .where(inIds(labs.id, ids));
  return new Map(rows.map(({ id, ...settings }) => [id, settings]));
}

/**
 * The weighings today's water numbers can depend on: for each anchor day (today, and the start
 * day of every restriction whose reference weight must be derived), those within [day - 1, day + 2)
 * in server time, which covers any lab time-zone offset, and the last one before that window.
 */
async function relevantWeighings(db: Queryable, ids: string[], today: string) {
  const w = weighings;
  const anchors = sql`
    select ${subjects.id} as subject, ${today}::timestamp as day from ${subjects} where ${inIds(subjects.id, ids)}
    union
    select ${waterRestrictions.subject}, date_trunc('day', ${waterRestrictions.start_time}) from ${waterRestrictions}
    where ${inIds(waterRestrictions.subject, ids)} and ${waterRestrictions.reference_weight} = 0 and ${waterRestrictions.start_time} is not null`;
  // the lateral parts name their outputs, so that the outer select reads them by those names
  const picked = sql`${w.id} as id, ${w.subject}::text as subject, ${w.date_time}::text as date_time, ${w.weight} as weight`;
  const result = (await db.execute(sql`
    with anchor as (${anchors})
    select distinct p.id, p.subject, p.date_time, p.weight
    from anchor a cross join lateral (
      (select ${picked} from ${w}
        where ${w.subject} = a.subject and ${w.date_time} < a.day - interval '1 day' order by ${w.date_time} desc limit 1)
      union all
      (select ${picked} from ${w}
        where ${w.subject} = a.subject and ${w.date_time} >= a.day - interval '1 day' and ${w.date_time} < a.day + interval '2 day')
    ) p
    order by p.date_time`)) as unknown as { rows: Array<{ subject: string; date_time: string; weight: number }> };
  return result.rows.map((r) => ({ subject: r.subject, date_time: r.date_time, weight: Number(r.weight) }));
}

function groupBySubject<T extends { subject: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) pushTo(out, r.subject, r);
  return out;
}

/**
 * Runs queries one after another: `db` may be a transaction, whose single connection must not
 * receive concurrent queries (node-postgres deprecates that). Each query starts when its turn comes.
 */
async function inOrder<T extends ReadonlyArray<() => PromiseLike<unknown>>>(queries: T): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const out: unknown[] = [];
  for (const q of queries) out.push(await q());
  return out as { -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> };
}

type ActionTable = typeof surgeries | typeof waterRestrictions | typeof waterAdministrations | typeof weighings;

/**
 * The named columns (and the subject) of a table's rows for a set of subjects, in time order,
 * optionally only those from `since` (a server-local date) on.
 */
function rowsOfSubjects<T extends ActionTable, K extends keyof T['$inferSelect'] & string>(
  db: Queryable,
  table: T,
  ids: string[],
  keys: K[],
  time: K,
  since?: string | null,
): Promise<Array<Pick<T['$inferSelect'], K | 'subject'>>> {
  const cols = getTableColumns(table) as unknown as Record<string, AnyPgColumn>;
  const fields = Object.fromEntries(['subject', ...keys].map((k) => [k, cols[k]]));
  const ofSubjects = inIds(cols.subject, ids);
  return db
    .select(fields)
    .from(table as PgTable)
    .where(since ? and(ofSubjects, sql`${cols[time]} >= ${since}::timestamp`) : ofSubjects)
    .orderBy(asc(cols[time])) as unknown as Promise<Array<Pick<T['$inferSelect'], K | 'subject'>>>;
}

/** The action rows of a set of subjects, one query per table, grouped by subject id. */
async function actionsOf(db: Queryable, ids: string[], opts: LoadOptions) {
  const [srg, wrs, was, wgs] = await inOrder([
    () => rowsOfSubjects(db, surgeries, ids, ['start_time', 'implant_weight'], 'start_time'),
    () => rowsOfSubjects(db, waterRestrictions, ids, ['start_time', 'end_time', 'reference_weight'], 'start_time'),
    () => rowsOfSubjects(db, waterAdministrations, ids, ['date_time', 'water_administered', 'session'], 'date_time', opts.administrationsSince),
    () => (opts.summaryOn ? relevantWeighings(db, ids, opts.summaryOn) : rowsOfSubjects(db, weighings, ids, ['date_time', 'weight'], 'date_time')),
  ] as const);
  return { surgeries: groupBySubject(srg), restrictions: groupBySubject(wrs), administrations: groupBySubject(was), weighings: groupBySubject(wgs) };
}

/** Water-control objects for a set of subjects, keyed by subject id (5 queries in all). */
export async function waterControls(db: Queryable, rows: SubjectLike[], opts: LoadOptions): Promise<Map<string, WaterControl>> {
  const out = new Map<string, WaterControl>();
  const ids = [...new Set(rows.map((r) => r.id))];
  if (ids.length === 0) return out;
  const labById = await labWaterSettings(db, rows.map((r) => r.lab).filter((x): x is string => !!x));
  const actions = await actionsOf(db, ids, opts);
  const now = opts.now ?? Date.now();
  for (const s of rows) {
    const lab = (s.lab ? labById.get(s.lab) : undefined) ?? NO_LAB;
    const inputs: WaterInputs = {
      nickname: s.nickname,
      birthDate: s.birth_date,
      sex: s.sex,
      referenceWeightPct: lab.reference_weight_pct,
      zscoreWeightPct: lab.zscore_weight_pct,
      serverTimeZone: opts.serverTimeZone,
      labTimeZone: labTimeZone(lab.timezone, opts.serverTimeZone),
      now,
      surgeries: actions.surgeries.get(s.id) ?? [],
      restrictions: actions.restrictions.get(s.id) ?? [],
      administrations: actions.administrations.get(s.id) ?? [],
      weighings: actions.weighings.get(s.id) ?? [],
    };
    try {
      out.set(s.id, new WaterControl(inputs));
    } catch (e) {
      if (opts.strict || !(e instanceof WaterDataError)) throw e;
    }
  }
  return out;
}

export async function subjectRow(db: Queryable, id: string): Promise<SubjectLike | null> {
  const [row] = await db.select(SUBJECT_COLUMNS).from(subjects).where(eq(subjects.id, id));
  return row ?? null;
}

/** Subjects with this nickname (at most `limit`: a caller that needs one asks for 2 to detect a clash). */
export function subjectRowsByNickname(db: Queryable, nickname: string, limit: number): Promise<SubjectLike[]> {
  return db.select(SUBJECT_COLUMNS).from(subjects).where(eq(subjects.nickname, nickname)).limit(limit);
}

export async function waterControlOf(db: Queryable, id: string, opts: LoadOptions): Promise<WaterControl | null> {
  const row = await subjectRow(db, id);
  if (!row) return null;
  return (await waterControls(db, [row], opts)).get(id) ?? null;
}

// ---- today's figures of a page of subjects, cached per page ----------------------------------------

/** Today's water numbers for a page of subjects (5 queries). */
async function loadTodaysFigures(rows: Row[], ctx: RequestContext): Promise<Map<string, SubjectWaterInfo>> {
  const out = new Map<string, SubjectWaterInfo>();
  if (!rows.length) return out;
  // only today's administrations matter; two days of margin cover any lab time zone
  const today = nowInZone(ctx.config.timeZone).slice(0, 10);
  const since = isoDate(naiveMs(today) - 2 * DAY_MS);
  const wcs = await waterControls(ctx.db, rows as unknown as SubjectLike[], {
    serverTimeZone: ctx.config.timeZone,
    administrationsSince: since,
    summaryOn: today,
  });
  for (const r of rows) {
    const wc = wcs.get(r.id as string);
    out.set(r.id as string, wc ? wc.subjectSummary() : NO_WATER);
  }
  return out;
}

/** One load per page: the fields showing the figures of the same rows share it. */
const pageCache = new WeakMap<Row[], Promise<Map<string, SubjectWaterInfo>>>();

/** Today's water figures of a page of subject rows (computed once per page). */
export function todaysWaterFigures(rows: Row[], ctx: RequestContext): Promise<Map<string, SubjectWaterInfo>> {
  let p = pageCache.get(rows);
  if (!p) pageCache.set(rows, (p = loadTodaysFigures(rows, ctx)));
  return p;
}

/** A subject field showing one of today's water figures. */
export function waterFigureField(key: keyof SubjectWaterInfo, schema: Record<string, unknown>): Field {
  return computed(schema, todaysWaterFigures, (row, map) => (map.get(row.id as string) ?? NO_WATER)[key]);
}

/** A subject field showing a water-control setting of the subject's lab. */
export function labWaterSettingField(key: 'reference_weight_pct' | 'zscore_weight_pct'): Field {
  return computed(
    { type: 'number' },
    (rows, ctx) => labWaterSettings(ctx.db, rows.map((r) => r.lab as string)),
    (row, map) => (map.get(row.lab as string) ?? NO_LAB)[key],
  );
}

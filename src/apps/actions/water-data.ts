// Loads water-control inputs from the database: for one subject, or for a page of subjects with a
// constant number of queries (one per table), whatever the page size.
import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { labs } from '../misc/tables.ts';
import { subjects } from '../subjects/tables.ts';
import { surgeries, waterAdministrations, waterRestrictions, weighings } from './tables.ts';
import { WaterControl, WaterDataError, isValidTimeZone, type WaterInputs } from './water.ts';

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

/**
 * The weighings today's water numbers can depend on: for each anchor day (today, and the start
 * day of every restriction whose reference weight must be derived), those within [day - 1, day + 2)
 * in server time, which covers any lab time-zone offset, and the last one before that window.
 */
async function relevantWeighings(db: Queryable, ids: string[], today: string) {
  const result = (await db.execute(sql`
    with anchors as (
      select ${subjects.id} as subject, ${today}::timestamp as t from ${subjects} where ${inArray(subjects.id, ids)}
      union
      select ${waterRestrictions.subject}, date_trunc('day', ${waterRestrictions.start_time}) from ${waterRestrictions}
      where ${inArray(waterRestrictions.subject, ids)} and ${waterRestrictions.reference_weight} = 0 and ${waterRestrictions.start_time} is not null
    )
    select distinct w.id, w.subject_id::text as subject, w.date_time::text as date_time, w.weight
    from anchors a cross join lateral (
      (select x.id, x.subject_id, x.date_time, x.weight from actions_weighing x
        where x.subject_id = a.subject and x.date_time < a.t - interval '1 day' order by x.date_time desc limit 1)
      union all
      (select x.id, x.subject_id, x.date_time, x.weight from actions_weighing x
        where x.subject_id = a.subject and x.date_time >= a.t - interval '1 day' and x.date_time < a.t + interval '2 day')
    ) w
    order by date_time`)) as unknown as { rows: Array<{ subject: string; date_time: string; weight: number }> };
  return result.rows.map((r) => ({ subject: r.subject, date_time: r.date_time, weight: Number(r.weight) }));
}

function groupBy<T extends { subject: string }>(rows: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.subject);
    if (list) list.push(r);
    else out.set(r.subject, [r]);
  }
  return out;
}

/** Lab time zone of water control: the lab's, else the server's; an invalid name falls back to Europe/London. */
export function labTimeZone(labTz: string | null | undefined, serverTz: string): string {
  if (!labTz) return serverTz;
  return isValidTimeZone(labTz) ? labTz : 'Europe/London';
}

/**
 * Awaits lazy query builders one after another: `db` may be a transaction, whose single
 * connection must not receive concurrent queries (node-postgres deprecates that).
 */
async function inOrder<T extends readonly unknown[]>(queries: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const out: unknown[] = [];
  for (const q of queries) out.push(await q);
  return out as { -readonly [K in keyof T]: Awaited<T[K]> };
}

/** Water-control objects for a set of subjects, keyed by subject id (5 queries in all). */
export async function waterControls(db: Queryable, rows: SubjectLike[], opts: LoadOptions): Promise<Map<string, WaterControl>> {
  const out = new Map<string, WaterControl>();
  const ids = [...new Set(rows.map((r) => r.id))];
  if (ids.length === 0) return out;
  const labIds = [...new Set(rows.map((r) => r.lab).filter((x): x is string => !!x))];
  const [labRows, srg, wrs, was, wgs] = await inOrder([
    labIds.length
      ? db
          .select({ id: labs.id, timezone: labs.timezone, rw: labs.reference_weight_pct, zw: labs.zscore_weight_pct })
          .from(labs)
          .where(inArray(labs.id, labIds))
      : Promise.resolve([]),
    db
      .select({ subject: surgeries.subject, start_time: surgeries.start_time, implant_weight: surgeries.implant_weight })
      .from(surgeries)
      .where(inArray(surgeries.subject, ids))
      .orderBy(asc(surgeries.start_time)),
    db
      .select({
        subject: waterRestrictions.subject,
        start_time: waterRestrictions.start_time,
        end_time: waterRestrictions.end_time,
        reference_weight: waterRestrictions.reference_weight,
      })
      .from(waterRestrictions)
      .where(inArray(waterRestrictions.subject, ids))
      .orderBy(asc(waterRestrictions.start_time)),
    db
      .select({
        subject: waterAdministrations.subject,
        date_time: waterAdministrations.date_time,
        water_administered: waterAdministrations.water_administered,
        session: waterAdministrations.session,
      })
      .from(waterAdministrations)
      .where(
        opts.administrationsSince
          ? sql`${inArray(waterAdministrations.subject, ids)} and ${waterAdministrations.date_time} >= ${opts.administrationsSince}::timestamp`
          : inArray(waterAdministrations.subject, ids),
      )
      .orderBy(asc(waterAdministrations.date_time)),
    opts.summaryOn
      ? relevantWeighings(db, ids, opts.summaryOn)
      : db
          .select({ subject: weighings.subject, date_time: weighings.date_time, weight: weighings.weight })
          .from(weighings)
          .where(inArray(weighings.subject, ids))
          .orderBy(asc(weighings.date_time)),
  ]);
  const labById = new Map(labRows.map((l) => [l.id, l]));
  const [sBy, rBy, aBy, wBy] = [groupBy(srg), groupBy(wrs), groupBy(was), groupBy(wgs)];
  const now = opts.now ?? Date.now();
  for (const s of rows) {
    const lab = s.lab ? labById.get(s.lab) : undefined;
    const inputs: WaterInputs = {
      nickname: s.nickname,
      birthDate: s.birth_date,
      sex: s.sex,
      referenceWeightPct: lab?.rw ?? 0,
      zscoreWeightPct: lab?.zw ?? 0,
      serverTimeZone: opts.serverTimeZone,
      labTimeZone: labTimeZone(lab?.timezone, opts.serverTimeZone),
      now,
      surgeries: sBy.get(s.id) ?? [],
      restrictions: rBy.get(s.id) ?? [],
      administrations: aBy.get(s.id) ?? [],
      weighings: wBy.get(s.id) ?? [],
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
  const [row] = await db
    .select({ id: subjects.id, nickname: subjects.nickname, birth_date: subjects.birth_date, sex: subjects.sex, lab: subjects.lab })
    .from(subjects)
    .where(eq(subjects.id, id));
  return row ?? null;
}

export async function waterControlOf(db: Queryable, id: string, opts: LoadOptions): Promise<WaterControl | null> {
  const row = await subjectRow(db, id);
  if (!row) return null;
  return (await waterControls(db, [row], opts)).get(id) ?? null;
}

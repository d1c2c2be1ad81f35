// Pieces shared by the experiments and jobs resources: upstream's "enum field" (an integer
// column shown and accepted as its label), the nested session_info object, and SQL fragments
// that select sessions, brain regions and their relatives.
import { sql, type Column, type SQL } from 'drizzle-orm';
import { query, type Queryable } from '../../db/client.ts';
import { custom, type Field, type Row } from '../../rest/fields.ts';
import { invalid } from '../../rest/errors.ts';
import { fieldError } from '../../rest/errors.ts';
import { formatDateTime } from '../../rest/values.ts';
import type { RequestContext } from '../../rest/context.ts';
import { pushTo } from '../../rest/group.ts';

export type Choices = ReadonlyArray<readonly [number, string]>;

export const invalidChoiceMessage = (field: string, choices: Choices) =>
  `Invalid ${field}, choices are: ${choices.map(([, l]) => l).join(', ')}`;

/**
 * An integer-choice column rendered as its label; input must be the exact label (upstream's
 * BaseSerializerEnumField), anything else is a 400 naming the choices.
 */
export function enumLabel(
  key: string,
  field: string,
  choices: Choices,
  o: { required?: boolean; default?: number; help?: string } = {},
): Field {
  const byCode = new Map(choices.map(([c, l]) => [c, l]));
  const byLabel = new Map(choices.map(([c, l]) => [l, c]));
  return custom({
    kind: 'column',
    source: key,
    required: o.required ?? false,
    help: o.help,
    schema: { type: 'string', enum: choices.map(([, l]) => l) },
    default: o.default === undefined ? undefined : () => o.default,
    render: () => (row) => {
      const v = row[key];
      if (v === null || v === undefined) return null;
      return byCode.get(Number(v)) ?? v;
    },
    parse(raw) {
      if (typeof raw !== 'string' || !byLabel.has(raw)) throw invalid(invalidChoiceMessage(field, choices));
      return byLabel.get(raw);
    },
    columns: (value) => ({ [key]: value }),
  });
}

/** The `?<field>=<label>` list filter: case-insensitive label, a 400 naming the choices otherwise. */
export function enumLabelFilter(col: Column, field: string, choices: Choices) {
  return {
    schema: { type: 'string', enum: choices.map(([, l]) => l) },
    apply(value: string | string[], ctx: { name: string }) {
      const v = (Array.isArray(value) ? value[value.length - 1] : value).trim().toLowerCase();
      const match = choices.find(([, l]) => l.toLowerCase() === v);
      if (!match) throw fieldError(ctx.name, invalidChoiceMessage(field, choices));
      return sql`${col} = ${match[0]}`;
    },
  };
}

// ---- sessions (actions app tables, by their upstream SQL names) ----

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
  const list = sql.join(uniq.map((id) => sql`${id}::uuid`), sql`, `);
  const rows = await query<{
    id: string;
    subject: string | null;
    start_time: string | null;
    number: number | null;
    lab: string | null;
    task_protocol: string | null;
  }>(
    db,
    sql`select s.id, su.nickname as subject, s.start_time::text as start_time, s.number, l.name as lab, s.task_protocol
        from actions_session s
        left join subjects_subject su on su.id = s.subject_id
        left join misc_lab l on l.id = s.lab_id
        where s.id in (${list})`,
  );
  const projects = await query<{ session_id: string; name: string }>(
    db,
    sql`select sp.session_id, p.name from actions_session_projects sp
        join subjects_project p on p.id = sp.project_id
        where sp.session_id in (${list}) order by p.name`,
  );
  const bySession = new Map<string, string[]>();
  for (const p of projects) pushTo(bySession, p.session_id, p.name);
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
export function sessionInfoField(sessionIds: (rows: Row[], ctx: RequestContext) => Promise<Map<unknown, string | null>> | Map<unknown, string | null>): Field {
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

/** Session ids whose subject nickname / lab name / ... match: `<col> in (select ...)` fragments. */
export const sessionsWhere = {
  subject: (v: string) => sql`select s.id from actions_session s join subjects_subject su on su.id = s.subject_id where su.nickname = ${v}`,
  labIexact: (v: string) => sql`select s.id from actions_session s join misc_lab l on l.id = s.lab_id where upper(l.name) = upper(${v})`,
  lab: (v: string) => sql`select s.id from actions_session s join misc_lab l on l.id = s.lab_id where l.name = ${v}`,
  date: (d: string) => sql`select s.id from actions_session s where s.start_time::date = ${d}::date`,
  number: (n: number) => sql`select s.id from actions_session s where s.number = ${n}`,
  projectIcontains: (v: string) =>
    sql`select sp.session_id from actions_session_projects sp join subjects_project p on p.id = sp.project_id where p.name ilike ${'%' + escapeLike(v) + '%'}`,
  project: (v: string) =>
    sql`select sp.session_id from actions_session_projects sp join subjects_project p on p.id = sp.project_id where p.name = ${v}`,
  taskProtocolIcontains: (v: string) =>
    sql`select s.id from actions_session s where s.task_protocol ilike ${'%' + escapeLike(v) + '%'}`,
};

export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

/** ORDER BY expression: the start time of the row's session. */
export const sessionStart = (sessionCol: Column | SQL) => sql`(select s.start_time from actions_session s where s.id = ${sessionCol})`;

// ---- brain regions ----

/** `kind`: which column identifies the region(s) a user names. */
export type RegionKey = { by: 'id'; value: number } | { by: 'acronym'; value: string } | { by: 'acronym_iexact'; value: string } | { by: 'name_icontains'; value: string };

function regionCondition(alias: SQL, key: RegionKey): SQL {
  switch (key.by) {
    case 'id':
      return sql`${alias}.id = ${key.value}`;
    case 'acronym':
      return sql`${alias}.acronym = ${key.value}`;
    case 'acronym_iexact':
      return sql`upper(${alias}.acronym) = upper(${key.value})`;
    case 'name_icontains':
      return sql`${alias}.name ilike ${'%' + escapeLike(key.value) + '%'}`;
  }
}

/**
 * Ids of the named region(s) and all their descendants (nested-set range, one statement);
 * `ancestors` walks up instead. `includeSelf` and `excludeVoid` as the callers need.
 */
export function regionRelatives(
  key: RegionKey,
  direction: 'descendants' | 'ancestors',
  o: { includeSelf?: boolean; excludeVoid?: boolean } = {},
): SQL {
  const r = sql.raw('r');
  const range =
    direction === 'descendants'
      ? o.includeSelf === false
        ? sql`x.lft > r.lft and x.rght < r.rght`
        : sql`x.lft >= r.lft and x.rght <= r.rght`
      : o.includeSelf === false
        ? sql`x.lft < r.lft and x.rght > r.rght`
        : sql`x.lft <= r.lft and x.rght >= r.rght`;
  return sql`select x.id from experiments_brainregion r
    join experiments_brainregion x on x.tree_id = r.tree_id and ${range}
    where ${regionCondition(r, key)}${o.excludeVoid ? sql` and x.id <> 0` : sql``}`;
}

/** Parses a region reference: all digits → id, else acronym (exact), as upstream's tree filters. */
export function regionKeyOf(value: string): RegionKey {
  const v = value.trim();
  return /^\d+$/.test(v) ? { by: 'id', value: Number(v) } : { by: 'acronym', value: v };
}

/** Brain-region ids related to one region, in tree order, with exactly one SQL statement. */
export async function relativesOf(
  db: Queryable,
  key: RegionKey,
  direction: 'descendants' | 'ancestors',
  o: { includeSelf?: boolean; excludeVoid?: boolean } = {},
): Promise<number[]> {
  const rows = await query<{ id: number }>(
    db,
    sql`select b.id from experiments_brainregion b where b.id in (${regionRelatives(key, direction, o)}) order by b.tree_id, b.lft`,
  );
  return rows.map((r) => Number(r.id));
}

/**
 * The atlas_name / atlas_acronym / atlas_id filters' region set: regions matching the value and
 * all their descendants.
 */
export function atlasRegions(param: string, value: string, ctx: { name: string }): SQL {
  if (param === 'atlas_id') {
    if (!/^\s*-?\d+(\.0*)?\s*$/.test(value)) throw fieldError(ctx.name, 'Enter a number.');
    return regionRelatives({ by: 'id', value: Math.trunc(Number(value)) }, 'descendants');
  }
  if (param === 'atlas_acronym') return regionRelatives({ by: 'acronym_iexact', value }, 'descendants');
  return regionRelatives({ by: 'name_icontains', value }, 'descendants');
}

/** Trajectory estimates (aligned to histology, provenance ≥ 70) with a channel in the regions. */
export function alignedTrajectoriesIn(regions: SQL): SQL {
  return sql`select te.id from experiments_trajectoryestimate te
    where te.provenance >= 70 and te.id in (
      select c.trajectory_estimate_id from experiments_channel c where c.brain_region_id in (${regions}))`;
}

// REST resources of the actions app (spec-core §2.8–2.17): sessions, weighings, water
// administrations, restrictions and types, locations, procedure types, surgeries, plus the
// admin-only models (culls, cull reasons/methods, other actions, virus injections, chronic
// recordings, notifications and rules) for the web UI. Welfare rules (§4.5, §4.15, §4.16) run in
// the write hooks, so they hold for every client.
import { and, asc, desc, eq, getTableColumns, inArray, sql, type Column } from 'drizzle-orm';
import { alias, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/client.ts';
import type { RequestContext } from '../../rest/context.ts';
import { fieldError } from '../../rest/errors.ts';
import { column, computed, hyperlink, many, related, selfUrl, type Field, type Row } from '../../rest/fields.ts';
import { escapeLike, filter, nullBoolean, type Filter } from '../../rest/filters.ts';
import { jsonFieldFilter } from '../../rest/django.ts';
import { defineResource, type Resource } from '../../rest/resource.ts';
import { formatDateTime, nowInZone, parseDateInput } from '../../rest/values.ts';
import { modelOf } from '../../db/models.ts';
import { labLocations, labs, notes, users } from '../misc/tables.ts';
import { projects, subjects } from '../subjects/tables.ts';
import {
  SESSION_DELEGATED_FILTERS,
  SESSION_RELATED_FIELDS,
  delegatedSessionFilter,
  sessionRelatedLoader,
  type SessionDelegatedFilter,
} from './extensions.ts';
import {
  NOTIFICATION_STATUSES,
  NOTIFICATION_TYPES,
  SUBJECT_SCOPES,
  chronicRecordings,
  cullMethods,
  cullReasons,
  culls,
  notificationRules,
  notifications,
  otherActions,
  procedureTypes,
  sessions,
  surgeries,
  virusInjections,
  waterAdministrations,
  waterRestrictions,
  waterTypes,
  weighings,
} from './tables.ts';
import {
  afterCullDelete,
  afterCullWrite,
  afterSurgeryWrite,
  afterWeighingCreate,
  recomputeProtocolNumber,
  referenceWeightFor,
  defaultWaterType,
} from './rules.ts';
import { pushTo } from '../../rest/group.ts';
import { qcField, qcFilter } from './qc.ts';
import { inIds } from '../../db/ids.ts';

const now = (ctx: RequestContext) => nowInZone(ctx.config.timeZone);
const currentUser = (ctx: RequestContext) => ctx.user?.id ?? null;
const cols = (t: PgTable) => getTableColumns(t) as Record<string, PgColumn>;

// ---- filters shared by the action lists ------------------------------------------------------

/** subject / nickname: the subject's nickname, case-insensitive exact. */
const bySubjectNickname = (fk: Column): Filter =>
  filter((v) => sql`${fk} in (select ${subjects.id} from ${subjects} where upper(${subjects.nickname}) = upper(${v}))`, {
    help: 'subject nickname (case-insensitive)',
  });

/** users: comma-separated usernames; rows whose users include all of them (through a join table). */
function allUsersFilter(table: PgTable): Filter {
  return filter(
    (v, ctx) => {
      const names = v.split(',').map((s) => s.trim()).filter(Boolean);
      if (!names.length) return undefined;
      const rel = modelRelation(table, 'users');
      const id = cols(table).id;
      return sql.join(
        names.map(
          (n) =>
            sql`${id} in (select ${rel.from} from ${rel.through} join ${users} on ${users.id} = ${rel.to} where ${users.username} = ${n})`,
        ),
        sql` and `,
      );
    },
    { help: 'comma-separated usernames: rows with all of these users' },
  );
}

function modelRelation(table: PgTable, name: string) {
  const m2m = modelOf(table).relations[name]?.m2m;
  if (!m2m) throw new Error(`${modelOf(table).name}.${name} is not many-to-many`);
  return m2m;
}

function dateRangeFilter(col: Column): Filter {
  return filter(
    (v, ctx) => {
      const parts = v.split(',').map((s) => s.trim());
      if (parts.length !== 2 || !parts[0] || !parts[1]) {
        throw fieldError(ctx.name, 'Enter two dates separated by a comma: YYYY-MM-DD,YYYY-MM-DD.');
      }
      for (const p of parts) if (!parseDateInput(p)) throw fieldError(ctx.name, 'Enter a valid date.');
      // the same as col::date between a and b, written so that an index on col can serve it
      return sql`(${col} >= ${parts[0]}::date and ${col} < ${parts[1]}::date + 1)`;
    },
    { help: 'two dates, YYYY-MM-DD,YYYY-MM-DD (inclusive)' },
  );
}

const labIexact = (fk: Column): Filter =>
  filter((v) => sql`${fk} in (select ${labs.id} from ${labs} where upper(${labs.name}) = upper(${v}))`, { help: 'lab name (case-insensitive)' });

const locationIcontains = (fk: Column): Filter =>
  filter((v) => sql`${fk} in (select ${labLocations.id} from ${labLocations} where ${labLocations.name} ilike ${'%' + escapeLike(v) + '%'})`, {
    help: 'location name contains (case-insensitive)',
  });

/** The BaseAction filter set: subject, nickname, users, date_range, lab, location, json. */
function baseActionFilters(t: PgTable): Record<string, Filter> {
  const c = cols(t);
  return {
    subject: bySubjectNickname(c.subject),
    nickname: bySubjectNickname(c.subject),
    users: allUsersFilter(t),
    date_range: dateRangeFilter(c.start_time),
    lab: labIexact(c.lab),
    location: locationIcontains(c.location),
    json: jsonFieldFilter(t, 'json'),
  };
}

/**
 * Weighings and water administrations inherit the BaseAction filter names upstream, where
 * `users`, `date_range`, `lab` and `location` fail (500) for lack of those columns. Here they
 * work on what the row has: its user, its date_time, its subject's lab; `location` is a 400.
 */
function userActionFilters(t: PgTable): Record<string, Filter> {
  const c = cols(t);
  return {
    subject: bySubjectNickname(c.subject),
    nickname: bySubjectNickname(c.subject),
    users: filter(
      (v) => {
        const names = v.split(',').map((s) => s.trim()).filter(Boolean);
        return names.length ? sql`${c.user} in (select ${users.id} from ${users} where ${inArray(users.username, names)})` : undefined;
      },
      { help: 'comma-separated usernames: rows entered by one of these users' },
    ),
    date_range: dateRangeFilter(c.date_time),
    lab: filter((v) => sql`${c.subject} in (select ${subjects.id} from ${subjects} join ${labs} on ${labs.id} = ${subjects.lab} where upper(${labs.name}) = upper(${v}))`, {
      help: "the subject's lab name (case-insensitive)",
    }),
    location: filter((_v, ctx) => {
      throw fieldError(ctx.name, 'This list has no location; filter by subject or lab instead.');
    }),
    json: jsonFieldFilter(t, 'json'),
  };
}

// ---- common fields -------------------------------------------------------------------------------

const subjectField = (fk: PgColumn) => related(fk, subjects, { slug: 'nickname', required: true, nullable: false });
const userField = (fk: PgColumn) => related(fk, users, { slug: 'username', default: currentUser, resetOnPut: true });

function nonNegative(col: PgColumn, o: Parameters<typeof column>[1] = {}): Field {
  return column(col, { min: 0, ...o });
}

// ---- sessions ------------------------------------------------------------------------------------

/**
 * A nested list on each session of the page: `load` gets the page's session ids (never empty)
 * and returns the items grouped by session id, with a constant number of queries.
 */
function perSessionList(
  help: string,
  load: (sessionIds: string[], ctx: RequestContext) => Promise<Map<string, unknown[]>>,
  /** no item can point at a session this request creates (a foreign key, or an id made by the request) */
  noneWhenNew: boolean,
): Field {
  const field = computed(
    { type: 'array', items: { type: 'object' } },
    async (rows, ctx) => (rows.length ? load(rows.map((r) => r.id as string), ctx) : new Map<string, unknown[]>()),
    (row, map) => map.get(row.id as string) ?? [],
    help,
  );
  return { ...field, emptyWhenNew: noneWhenNew };
}

/** Water administrations linked to each session of the page. */
const wateradminField = perSessionList('water administrations given during the session', async (ids, ctx) => {
  const map = new Map<string, unknown[]>();
  const found = await ctx.db
    .select({
      session: waterAdministrations.session,
      id: waterAdministrations.id,
      name: waterAdministrations.name,
      water_type: waterTypes.name,
      water_administered: waterAdministrations.water_administered,
    })
    .from(waterAdministrations)
    .leftJoin(waterTypes, eq(waterTypes.id, waterAdministrations.water_type))
    .where(inIds(waterAdministrations.session, ids))
    .orderBy(asc(waterAdministrations.date_time), asc(waterAdministrations.id));
  for (const { session, ...item } of found) pushTo(map, session!, item);
  return map;
}, true);

/** A nested list another app provides (data, experiments); [] while it has not registered. */
function delegatedListField(name: (typeof SESSION_RELATED_FIELDS)[number], help: string): Field {
  return perSessionList(help, async (ids, ctx) => {
    const loader = sessionRelatedLoader(name);
    return loader ? loader(ids, ctx) : new Map<string, unknown[]>();
  }, true);
}

/** Notes attached to each session (generic relation on object_id), shaped as /notes items. */
const sessionNotesField = perSessionList('notes attached to the session', async (ids, ctx) => {
  const map = new Map<string, unknown[]>();
  const found = await ctx.db
    .select({
      id: notes.id,
      user: users.username,
      date_time: notes.date_time,
      content_type: notes.content_type,
      object_id: notes.object_id,
      text: notes.text,
      image: notes.image,
      json: notes.json,
    })
    .from(notes)
    .leftJoin(users, eq(users.id, notes.user))
    .where(inIds(notes.object_id, ids))
    .orderBy(asc(notes.date_time), asc(notes.id));
  for (const n of found) {
    const item = { ...n, date_time: formatDateTime(n.date_time), image: n.image ? `${ctx.baseUrl}/uploaded/${n.image}` : null };
    pushTo(map, n.object_id, item);
  }
  return map;
}, true); // notes name their object by id, without a foreign key; a new session's id is made by this request, so none can name it yet

const sessionFields = {
  subject: subjectField(sessions.subject),
  users: many(sessions, 'users', { slug: 'username' }),
  location: related(sessions.location, labLocations, { slug: 'name' }),
  procedures: many(sessions, 'procedures', { slug: 'name' }),
  lab: related(sessions.lab, labs, { slug: 'name' }),
  projects: many(sessions, 'projects', { slug: 'name' }),
  type: column(sessions.type),
  task_protocol: column(sessions.task_protocol),
  number: column(sessions.number),
  start_time: column(sessions.start_time, { default: now }),
  end_time: column(sessions.end_time),
  narrative: column(sessions.narrative),
  parent_session: hyperlink(sessions.parent_session, sessions, 'sessions'),
  n_correct_trials: column(sessions.n_correct_trials),
  n_trials: column(sessions.n_trials),
  url: selfUrl('sessions'),
  extended_qc: column(sessions.extended_qc),
  qc: qcField('quality control: CRITICAL, FAIL, WARNING, NOT_SET or PASS'),
  wateradmin_session_related: wateradminField,
  data_dataset_session_related: delegatedListField('data_dataset_session_related', 'datasets of the session'),
  auto_datetime: column(sessions.auto_datetime, { readOnly: true }),
  id: column(sessions.id, { readOnly: true }),
  json: column(sessions.json),
  probe_insertion: delegatedListField('probe_insertion', 'probe insertions of the session'),
  field_of_view: delegatedListField('field_of_view', 'fields of view of the session'),
  notes: sessionNotesField,
};

const performance = sql`(100 * ${sessions.n_correct_trials} / nullif(${sessions.n_trials}, 0))`;
function performanceFilter(op: '>=' | '<='): Filter {
  return filter(
    (v, ctx) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw fieldError(ctx.name, 'Enter a number.');
      return op === '>=' ? sql`${performance} >= ${n}` : sql`${performance} <= ${n}`;
    },
    { schema: { type: 'number' }, help: `100 × n_correct_trials / n_trials ${op} the value` },
  );
}

const projectIcontains: Filter = filter(
  (v) => {
    const m2m = modelRelation(sessions, 'projects');
    return sql`${sessions.id} in (select ${m2m.from} from ${m2m.through} join ${projects} on ${projects.id} = ${m2m.to} where ${projects.name} ilike ${'%' + escapeLike(v) + '%'})`;
  },
  { help: 'project name contains (case-insensitive)' },
);

const sessionFilters: Record<string, Filter> = {
  ...baseActionFilters(sessions),
  extended_qc: jsonFieldFilter(sessions, 'extended_qc'),
  qc: qcFilter(sessions.qc),
  type: filter((v) => sql`upper(${sessions.type}) = upper(${v})`, { help: 'session type (case-insensitive)' }),
  task_protocol: filter((v) => sql`${sessions.task_protocol} ilike ${'%' + escapeLike(v) + '%'}`, { help: 'task protocol contains (case-insensitive)' }),
  procedures: filter(
    (v) => {
      const m2m = modelRelation(sessions, 'procedures');
      return sql`${sessions.id} in (select ${m2m.from} from ${m2m.through} join ${procedureTypes} on ${procedureTypes.id} = ${m2m.to} where ${procedureTypes.name} ilike ${'%' + escapeLike(v) + '%'})`;
    },
    { help: 'procedure name contains (case-insensitive)' },
  ),
  projects: projectIcontains,
  project: projectIcontains,
  performance_gte: performanceFilter('>='),
  performance_lte: performanceFilter('<='),
  histology: nullBoolean((b) => {
    const m2m = modelRelation(sessions, 'procedures');
    const other = alias(sessions, 'histology_session');
    const has = sql`${sessions.subject} in (select ${other.subject} from ${sessions} ${other} join ${m2m.through} on ${m2m.from} = ${other.id} join ${procedureTypes} on ${procedureTypes.id} = ${m2m.to} where ${procedureTypes.name} = 'Histology')`;
    return b ? has : sql`not ${has}`;
  }, 'true: the subject has a session with the Histology procedure'),
  ...Object.fromEntries(
    (Object.keys(SESSION_DELEGATED_FILTERS) as SessionDelegatedFilter[]).map((k) => [k, delegatedSessionFilter(k)]),
  ),
};

async function subjectOf(db: Queryable, id: string) {
  const [s] = await db.select().from(subjects).where(eq(subjects.id, id));
  return s;
}

export const sessionResource = defineResource({
  path: 'sessions',
  admin: {
    description: 'Experimental and training sessions, newest first.',
    menu: 'Experiments',
    columns: ['subject', 'start_time', 'number', 'lab', 'task_protocol', 'qc', 'users', 'projects'],
    filters: ['subject', 'date_range', 'lab', 'projects', 'task_protocol', 'qc', 'users', 'procedures'],
    search: ['subject__nickname', 'lab__name', 'projects__name', 'users__username', 'task_protocol'],
    ordering: ['-start_time'],
    dateHierarchy: 'start_time',
    fieldsets: [
      { title: 'Session', fields: ['subject', 'start_time', 'end_time', 'number', 'users', 'location', 'lab', 'procedures', 'projects', 'type', 'task_protocol', 'narrative'] },
      { title: 'Trials and quality', fields: ['n_correct_trials', 'n_trials', 'qc', 'extended_qc'] },
      { title: 'Other', fields: ['parent_session', 'auto_datetime', 'json'], collapsed: true },
    ],
    readOnly: ['extended_qc', 'task_protocol'],
    labels: { n_correct_trials: 'Correct trials', n_trials: 'Trials', qc: 'QC', extended_qc: 'Extended QC', auto_datetime: 'Last updated', parent_session: 'Parent session', wateradmin_session_related: 'Water administrations', data_dataset_session_related: 'Datasets', probe_insertion: 'Probe insertions', field_of_view: 'Fields of view', start_time: 'Start', end_time: 'End' },
    hidden: ['url', 'id', 'json', 'wateradmin_session_related', 'data_dataset_session_related', 'probe_insertion', 'field_of_view', 'notes'],
    inlines: [
      { resource: 'datasets', field: 'session', title: 'Datasets', columns: ['name', 'dataset_type', 'collection', 'version', 'qc', 'created_by', 'created_datetime'] },
      { resource: 'tasks', field: 'session', title: 'Tasks', columns: ['name', 'status', 'version', 'datetime'] },
      { resource: 'water-administrations', field: 'session', title: 'Water administrations', columns: ['date_time', 'water_administered', 'water_type', 'user'] },
      { resource: 'insertions', field: 'session', title: 'Probe insertions', columns: ['name', 'model'] },
      { resource: 'fields-of-view', field: 'session', title: 'Fields of view', columns: ['name', 'imaging_type'] },
    ],
  },
  table: sessions,
  deleteGuard: 'cascade',
  description: 'Sessions (experiments, training sessions): the light serializer for lists, the full one for details.',
  fields: sessionFields,
  listFields: ['id', 'subject', 'start_time', 'number', 'lab', 'projects', 'url', 'task_protocol'],
  filters: sessionFilters,
  autoFilters: true,
  ordering: (t) => [sql`${t.start_time} desc nulls first`],
  validate(state, ctx) {
    // users default to the requesting user when missing or empty on create (upstream #885)
    if (state.action === 'create') {
      const given = state.data.users as string[] | undefined;
      if ((!given || given.length === 0) && ctx.user) state.data.users = [ctx.user.id];
    }
  },
  async beforeWrite(values, state, ctx) {
    values.auto_datetime = now(ctx);
    const subjectId = (values.subject ?? state.instance?.subject) as string;
    const lab = 'lab' in values ? values.lab : state.instance?.lab;
    if (!lab && subjectId) values.lab = (await subjectOf(ctx.db, subjectId))?.lab ?? null;
    if (values.parent_session && state.instance && values.parent_session === state.instance.id) {
      throw fieldError('parent_session', 'A session cannot be its own parent.');
    }
    // <lab>/Subjects/<nickname>/<date>/<number> must address one session (ALF paths, file
    // registration): refuse a second session with the same subject, day and number. Upstream does
    // not check; rows that already clash elsewhere are left alone unless these fields change.
    if ('number' in values || 'subject' in values || 'start_time' in values) {
      const merged = { ...(state.instance ?? {}), ...values } as Row;
      if (merged.number !== null && merged.number !== undefined && merged.start_time) {
        const day = String(merged.start_time).slice(0, 10);
        const clash = await ctx.db
          .select({ id: sessions.id })
          .from(sessions)
          .where(
            and(
              eq(sessions.subject, merged.subject as string),
              eq(sessions.number, merged.number as number),
              sql`${sessions.start_time}::date = ${day}::date`,
              state.instance ? sql`${sessions.id} <> ${state.instance.id}` : undefined,
            ),
          )
          .limit(1);
        if (clash.length) {
          const nickname = (await subjectOf(ctx.db, merged.subject as string))?.nickname;
          throw fieldError('number', `Session number ${merged.number} already exists for ${nickname} on ${day}.`);
        }
      }
    }
  },
});

// ---- weighings --------------------------------------------------------------------------------

export const weighingResource = defineResource({
  path: 'weighings',
  admin: {
    description: 'Weights of subjects, in grams. A wrong weighing is deleted and entered again.',
    menu: 'Actions',
    columns: ['subject', 'weight', 'date_time', 'user'],
    filters: ['subject', 'users', 'date_range', 'lab'],
    search: ['subject__nickname'],
    ordering: ['-date_time'],
    dateHierarchy: 'date_time',
    labels: { date_time: 'Date', weight: 'Weight (g)' },
    hidden: ['url'],
  },
  table: weighings,
  description: 'Weighings of subjects (grams). No update: delete and re-enter.',
  actions: ['list', 'create', 'read', 'delete'],
  fields: {
    subject: subjectField(weighings.subject),
    date_time: column(weighings.date_time, { default: now }),
    weight: nonNegative(weighings.weight, { required: true }),
    user: userField(weighings.user),
    url: selfUrl('weighings'),
  },
  filters: userActionFilters(weighings),
  autoFilters: true,
  ordering: (t) => [asc(t.date_time)],
  async afterWrite(row, state, ctx) {
    if (state.action === 'create') await afterWeighingCreate(row, ctx);
  },
});

// ---- water administrations ---------------------------------------------------------------------

export const waterAdministrationResource = defineResource({
  path: 'water-administrations',
  admin: {
    menu: 'Actions',
    columns: ['subject', 'water_administered', 'user', 'date_time', 'water_type', 'adlib', 'session'],
    filters: ['subject', 'users', 'date_range', 'water_type', 'adlib'],
    search: ['subject__nickname'],
    ordering: ['-date_time'],
    dateHierarchy: 'date_time',
    labels: { water_administered: 'Water (mL)', date_time: 'Date', adlib: 'Ad libitum' },
    hidden: ['url'],
  },
  table: waterAdministrations,
  description: 'Water given to subjects (mL); adlib with no volume means free water.',
  fields: {
    subject: subjectField(waterAdministrations.subject),
    date_time: column(waterAdministrations.date_time, { default: now }),
    water_administered: nonNegative(waterAdministrations.water_administered),
    water_type: related(waterAdministrations.water_type, waterTypes, { slug: 'name' }),
    user: userField(waterAdministrations.user),
    url: selfUrl('water-administrations'),
    session: related(waterAdministrations.session, sessions, { nullable: false }),
    adlib: column(waterAdministrations.adlib),
  },
  filters: userActionFilters(waterAdministrations),
  autoFilters: true,
  ordering: (t) => [asc(t.date_time)],
  async beforeWrite(values, state, ctx) {
    const subjectId = (values.subject ?? state.instance?.subject) as string;
    const subject = await subjectOf(ctx.db, subjectId);
    const dt = ('date_time' in values ? values.date_time : state.instance?.date_time) as string | null;
    if (subject?.death_date && dt && String(dt).slice(0, 10) > subject.death_date) {
      throw fieldError('date_time', `Water administration date after death date (${subject.death_date}).`);
    }
    if (state.action === 'create' && !values.water_type) values.water_type = await defaultWaterType(ctx.db, subjectId, true);
  },
});

// ---- water restrictions ------------------------------------------------------------------------

function restrictionFields(readOnlySlugs: boolean): Record<string, Field> {
  return {
    subject: related(waterRestrictions.subject, subjects, { slug: 'nickname', required: !readOnlySlugs, readOnly: readOnlySlugs, nullable: false }),
    start_time: column(waterRestrictions.start_time),
    end_time: column(waterRestrictions.end_time),
    water_type: related(waterRestrictions.water_type, waterTypes, { slug: 'name', readOnly: readOnlySlugs }),
    reference_weight: nonNegative(waterRestrictions.reference_weight),
  };
}

const restrictionFilters = baseActionFilters(waterRestrictions);
const restrictionOrder = (t: typeof waterRestrictions) => [sql`${t.end_time} desc nulls first`, sql`${t.start_time} desc nulls first`];

/** `/water-restriction` (singular, list only, as upstream). */
export const waterRestrictionResource = defineResource({
  path: 'water-restriction',
  admin: { menu: false, label: 'Water restrictions (light list)', labelSingular: 'Water restriction (light)', columns: ['subject', 'start_time', 'end_time', 'water_type', 'reference_weight'] },
  table: waterRestrictions,
  description: 'Water restrictions (list only; active restrictions first).',
  actions: ['list'],
  fields: restrictionFields(true),
  filters: restrictionFilters,
  autoFilters: true,
  ordering: restrictionOrder,
});

/**
 * `/water-restrictions`: the same rows with create/update/delete for the web UI (upstream edits
 * them in its admin). Saving fills a zero reference weight from the last weighing (which must be
 * within 7 days of the start) and recomputes the subject's protocol number.
 */
export const waterRestrictionAdminResource = defineResource({
  path: 'water-restrictions',
  admin: {
    description: "Periods during which a subject's water is controlled. End a restriction by giving it an end date.",
    menu: 'Actions',
    columns: ['subject', 'start_time', 'end_time', 'water_type', 'reference_weight', 'users'],
    filters: ['subject', 'users', 'date_range', 'lab'],
    search: ['subject__nickname'],
    ordering: ['-start_time'],
    labels: { start_time: 'Start', end_time: 'End', reference_weight: 'Reference weight (g)' },
    help: { reference_weight: 'Weight at the start of the restriction; the subject is flagged when it falls below the lab fraction of it.' },
    hidden: ['id', 'json'],
  },
  name: 'WaterRestrictionDetail',
  table: waterRestrictions,
  description: 'Water restrictions with writes (web UI): reference weight filled from the last weighing when 0.',
  fields: {
    id: column(waterRestrictions.id, { readOnly: true }),
    ...restrictionFields(false),
    start_time: column(waterRestrictions.start_time, { default: now, nullable: false }),
    users: many(waterRestrictions, 'users', { slug: 'username' }),
    procedures: many(waterRestrictions, 'procedures', { slug: 'name' }),
    lab: related(waterRestrictions.lab, labs, { slug: 'name' }),
    location: related(waterRestrictions.location, labLocations, { slug: 'name' }),
    narrative: column(waterRestrictions.narrative),
    json: column(waterRestrictions.json),
  },
  filters: restrictionFilters,
  autoFilters: true,
  ordering: restrictionOrder,
  async beforeWrite(values, state, ctx) {
    const merged = { ...(state.instance ?? {}), ...values } as Row;
    if (state.action === 'create' && !('water_type' in values)) {
      values.water_type = await defaultWaterType(ctx.db, null, false);
    }
    if (!merged.reference_weight && merged.start_time) {
      const ref = await referenceWeightFor(ctx, merged.subject as string, merged.start_time as string);
      if (ref !== null) values.reference_weight = ref;
    }
    if (merged.end_time && merged.start_time && String(merged.end_time) < String(merged.start_time)) {
      throw fieldError('end_time', 'The end of a water restriction must come after its start.');
    }
    // welfare: one restriction at a time, and none starting after the subject's death
    const subject = await subjectOf(ctx.db, merged.subject as string);
    if (subject?.death_date && String(merged.start_time).slice(0, 10) > subject.death_date) {
      throw fieldError('start_time', `${subject.nickname} died on ${subject.death_date}; a water restriction cannot start after that.`);
    }
    const end = merged.end_time ? sql`${merged.end_time}::timestamp` : sql`'infinity'::timestamp`;
    const [overlap] = await ctx.db
      .select({ start_time: waterRestrictions.start_time, end_time: waterRestrictions.end_time })
      .from(waterRestrictions)
      .where(
        and(
          eq(waterRestrictions.subject, merged.subject as string),
          state.instance ? sql`${waterRestrictions.id} <> ${state.instance.id}` : undefined,
          sql`${waterRestrictions.start_time} < ${end}`,
          sql`coalesce(${waterRestrictions.end_time}, 'infinity'::timestamp) > ${merged.start_time}::timestamp`,
        ),
      )
      .limit(1);
    if (overlap) {
      const span = `${formatDateTime(overlap.start_time)} to ${overlap.end_time ? formatDateTime(overlap.end_time) : 'now (still open)'}`;
      throw fieldError('start_time', `${subject?.nickname} is already under water restriction from ${span}; end that restriction first.`);
    }
  },
  async afterWrite(row, state, ctx) {
    await recomputeProtocolNumber(ctx, row.subject as string);
    if (state.instance && state.instance.subject !== row.subject) await recomputeProtocolNumber(ctx, state.instance.subject as string);
  },
  async beforeDelete(row, ctx) {
    await ctx.db.delete(waterRestrictions).where(eq(waterRestrictions.id, row.id as string));
    await recomputeProtocolNumber(ctx, row.subject as string);
  },
});

// ---- water types, locations, procedure types -----------------------------------------------------

export const waterTypeResource = defineResource({
  path: 'water-type',
  admin: { menu: 'Actions', label: 'Water types', labelSingular: 'Water type', columns: ['name'], search: ['name'], hidden: ['url', 'json'] },
  table: waterTypes,
  lookup: 'name',
  description: 'Water types. `/water-type/<name>` is the list too, as upstream.',
  actions: ['list', 'create'],
  fields: {
    url: selfUrl('water-type', 'name'),
    json: column(waterTypes.json),
    name: column(waterTypes.name, { required: true, allowBlank: false }),
  },
  unique: { name: 'water type with this name already exists.' },
  django: false,
  ordering: (t) => [asc(t.name)],
});

export const locationResource = defineResource({
  path: 'locations',
  admin: { menu: 'Admin', label: 'Lab locations', labelSingular: 'Lab location', columns: ['name', 'lab'], search: ['name', 'lab__name'], hidden: ['json'] },
  table: labLocations,
  lookup: 'name',
  description: 'Lab locations (rooms, rigs, benches).',
  actions: ['list', 'read', 'update', 'partial_update'],
  fields: {
    name: column(labLocations.name, { required: true, allowBlank: false }),
    lab: related(labLocations.lab, labs, { slug: 'name', nullable: false }),
    json: column(labLocations.json),
  },
  django: false,
  ordering: (t) => [asc(t.name)],
});

export const procedureTypeResource = defineResource({
  path: 'procedures',
  admin: { menu: 'Actions', label: 'Procedure types', labelSingular: 'Procedure type', columns: ['name', 'description'], search: ['name'], hidden: ['id', 'json'] },
  table: procedureTypes,
  description: 'Procedure types.',
  actions: ['list', 'create'],
  fields: {
    id: column(procedureTypes.id, { readOnly: true }),
    name: column(procedureTypes.name, { required: true, allowBlank: false }),
    json: column(procedureTypes.json),
    description: column(procedureTypes.description),
  },
  django: false,
  ordering: (t) => [asc(t.name)],
});

// ---- surgeries ------------------------------------------------------------------------------------

const OUTCOME_CHOICES = [
  ['a', 'Acute'],
  ['r', 'Recovery'],
  ['n', 'Non-recovery'],
  ['', ''],
] as const;

async function surgeryRoom(ctx: RequestContext): Promise<string | null> {
  const [room] = await ctx.db.select({ id: labLocations.id }).from(labLocations).where(eq(labLocations.name, 'Surgery Room')).limit(1);
  return room?.id ?? null;
}

export const surgeryResource = defineResource({
  path: 'surgeries',
  admin: {
    menu: 'Actions',
    columns: ['subject', 'start_time', 'users', 'procedures', 'narrative', 'implant_weight', 'outcome_type'],
    filters: ['subject', 'users', 'date_range', 'lab', 'procedures'],
    search: ['subject__nickname', 'narrative'],
    ordering: ['-start_time'],
    dateHierarchy: 'start_time',
    labels: { start_time: 'Date', implant_weight: 'Implant weight (g)', outcome_type: 'Outcome' },
    hidden: ['id', 'json'],
  },
  table: surgeries,
  description: 'Surgeries; relations other than the subject are UUIDs, as upstream.',
  actions: ['list', 'read', 'update', 'partial_update'],
  fields: {
    id: column(surgeries.id, { readOnly: true }),
    subject: subjectField(surgeries.subject),
    name: column(surgeries.name),
    json: column(surgeries.json),
    narrative: column(surgeries.narrative),
    start_time: column(surgeries.start_time, { default: now }),
    end_time: column(surgeries.end_time),
    outcome_type: column(surgeries.outcome_type, { choices: OUTCOME_CHOICES }),
    implant_weight: nonNegative(surgeries.implant_weight, { required: true }),
    lab: related(surgeries.lab, labs),
    location: related(surgeries.location, labLocations, { default: surgeryRoom }),
    users: many(surgeries, 'users'),
    procedures: many(surgeries, 'procedures'),
  },
  filters: {
    ...baseActionFilters(surgeries),
    procedure: filter(
      (v) => {
        const m2m = modelRelation(surgeries, 'procedures');
        return sql`${surgeries.id} in (select ${m2m.from} from ${m2m.through} join ${procedureTypes} on ${procedureTypes.id} = ${m2m.to} where upper(${procedureTypes.name}) = upper(${v}))`;
      },
      { help: 'procedure name (case-insensitive)' },
    ),
  },
  autoFilters: true,
  ordering: (t) => [sql`${t.start_time} desc nulls first`],
  async afterWrite(row, state, ctx) {
    await afterSurgeryWrite(row, ctx);
    if (state.instance && state.instance.subject !== row.subject) await recomputeProtocolNumber(ctx, state.instance.subject as string);
  },
});

// ---- admin-only models, for the web UI -------------------------------------------------------------

/** The BaseAction fields, by natural keys, for the admin-only action models. */
function baseActionResourceFields(t: typeof otherActions | typeof virusInjections | typeof chronicRecordings): Record<string, Field> {
  return {
    id: column(t.id, { readOnly: true }),
    subject: subjectField(t.subject),
    name: column(t.name),
    users: many(t, 'users', { slug: 'username' }),
    procedures: many(t, 'procedures', { slug: 'name' }),
    lab: related(t.lab, labs, { slug: 'name' }),
    location: related(t.location, labLocations, { slug: 'name' }),
    start_time: column(t.start_time, { default: now }),
    end_time: column(t.end_time),
    narrative: column(t.narrative),
    json: column(t.json),
  };
}

function actionResource(
  path: string,
  t: typeof otherActions | typeof virusInjections | typeof chronicRecordings,
  description: string,
  extra: Record<string, Field> = {},
): Resource {
  return defineResource({
    path,
    admin: {
      menu: 'Actions',
      columns: ['subject', 'start_time', 'name', 'users', 'procedures', 'lab', ...Object.keys(extra)],
      filters: ['subject', 'users', 'date_range', 'lab', 'procedures'],
      search: ['subject__nickname', 'name', 'narrative'],
      ordering: ['-start_time'],
      labels: { start_time: 'Start', end_time: 'End' },
      hidden: ['id', 'json'],
    },
    table: t,
    description,
    fields: { ...baseActionResourceFields(t), ...extra },
    filters: baseActionFilters(t),
    autoFilters: ['id', 'name', 'procedures', 'narrative', 'start_time', 'end_time'],
    ordering: (x) => [sql`${x.start_time} desc nulls first`],
  });
}

export const otherActionResource = actionResource('other-actions', otherActions, 'Other actions on subjects (web UI).');
export const virusInjectionResource = actionResource('virus-injections', virusInjections, 'Virus injections (web UI).', {
  virus_batch: column(virusInjections.virus_batch),
  injection_volume: nonNegative(virusInjections.injection_volume, { help: 'nL' }),
  rate_of_injection: nonNegative(virusInjections.rate_of_injection),
  injection_type: column(virusInjections.injection_type, { choices: [['I', 'Iontophoresis'], ['P', 'Pressure']] }),
});
export const chronicRecordingResource = actionResource('chronic-recordings', chronicRecordings, 'Chronic recordings (web UI).');

function describedResource(path: string, t: typeof cullReasons | typeof cullMethods, description: string): Resource {
  return defineResource({
    path,
    admin: { menu: 'Colony', columns: ['name', 'description'], search: ['name'], ordering: ['name'], hidden: ['id', 'json'] },
    table: t,
    description,
    fields: {
      id: column(t.id, { readOnly: true }),
      name: column(t.name, { required: true, allowBlank: false }),
      description: column(t.description),
      json: column(t.json),
    },
    autoFilters: ['name'],
    ordering: (x) => [asc(x.name)],
  });
}

export const cullReasonResource = describedResource('cull-reasons', cullReasons, 'Reasons for culling (web UI).');
export const cullMethodResource = describedResource('cull-methods', cullMethods, 'Methods of culling (web UI).');

/** Culls: creating or changing one sets the death date and ends open restrictions; deleting one revives the subject. */
export const cullResource = defineResource({
  path: 'culls',
  admin: {
    menu: 'Colony',
    columns: ['date', 'subject', 'user', 'cull_reason', 'cull_method', 'description'],
    filters: ['user', 'cull_reason', 'cull_method'],
    search: ['subject__nickname'],
    ordering: ['-date'],
    labels: { cull_reason: 'Reason', cull_method: 'Method' },
    hidden: ['id', 'json'],
  },
  table: culls,
  description: 'Culls (web UI). A cull sets the death date and ends open water restrictions.',
  fields: {
    id: column(culls.id, { readOnly: true }),
    subject: subjectField(culls.subject),
    date: column(culls.date, { required: true }),
    user: userField(culls.user),
    cull_reason: related(culls.cull_reason, cullReasons, { slug: 'name' }),
    cull_method: related(culls.cull_method, cullMethods, { slug: 'name' }),
    description: column(culls.description),
    json: column(culls.json),
  },
  filters: { subject: bySubjectNickname(culls.subject), nickname: bySubjectNickname(culls.subject) },
  autoFilters: { exclude: ['name', 'json', 'description'] },
  unique: { subject: 'cull with this subject already exists.' },
  ordering: (t) => [desc(t.date)],
  async validate(state, ctx) {
    const subjectId = (state.data.subject ?? state.instance?.subject) as string | undefined;
    const date = (state.data.date ?? state.instance?.date) as string | undefined;
    if (subjectId && date) {
      const s = await subjectOf(ctx.db, subjectId);
      if (s?.birth_date && date < s.birth_date) throw fieldError('date', 'Cull date must be after birth date.');
    }
  },
  async afterWrite(row, state, ctx) {
    await afterCullWrite(row, ctx);
    if (state.instance && state.instance.subject !== row.subject) await afterCullDelete(state.instance, ctx);
  },
  async beforeDelete(row, ctx) {
    await afterCullDelete(row, ctx);
  },
});

export const notificationResource = defineResource({
  path: 'notifications',
  admin: {
    menu: 'Actions',
    columns: ['title', 'subject', 'users', 'send_at', 'sent_at', 'status', 'notification_type'],
    filters: ['users', 'notification_type', 'status'],
    search: ['title', 'subject__nickname'],
    ordering: ['-send_at'],
    labels: { notification_type: 'Type' },
    hidden: ['id', 'json'],
  },
  table: notifications,
  description: 'Welfare notifications (web UI): produced by the weighing check and the scheduled water checks.',
  fields: {
    id: column(notifications.id, { readOnly: true }),
    notification_type: column(notifications.notification_type, { choices: NOTIFICATION_TYPES.map((n) => [n, n] as const), required: true }),
    title: column(notifications.title, { required: true, allowBlank: false }),
    message: column(notifications.message),
    subject: related(notifications.subject, subjects, { slug: 'nickname' }),
    users: many(notifications, 'users', { slug: 'username' }),
    status: column(notifications.status, { choices: NOTIFICATION_STATUSES.map((n) => [n, n] as const) }),
    send_at: column(notifications.send_at, { default: now }),
    sent_at: column(notifications.sent_at, { readOnly: true }),
    json: column(notifications.json),
    send_error: column(notifications.send_error, { readOnly: true, help: 'why the last e-mail delivery failed; null once sent' }),
  },
  filters: { subject: bySubjectNickname(notifications.subject), nickname: bySubjectNickname(notifications.subject) },
  autoFilters: ['id', 'notification_type', 'status', 'users'],
  ordering: (t) => [desc(t.send_at)],
});

export const notificationRuleResource = defineResource({
  path: 'notification-rules',
  admin: { menu: 'Actions', columns: ['notification_type', 'user', 'subjects_scope'], filters: ['user', 'notification_type'], labels: { notification_type: 'Type', subjects_scope: 'Subjects' }, hidden: ['id', 'json'] },
  table: notificationRules,
  description: 'Which notifications a user receives, per type: for none, all, mine or lab subjects (web UI).',
  fields: {
    id: column(notificationRules.id, { readOnly: true }),
    user: userField(notificationRules.user),
    notification_type: column(notificationRules.notification_type, { choices: NOTIFICATION_TYPES.map((n) => [n, n] as const), required: true }),
    subjects_scope: column(notificationRules.subjects_scope, { choices: SUBJECT_SCOPES.map((n) => [n, n] as const), required: true }),
    json: column(notificationRules.json),
  },
  autoFilters: { exclude: ['name', 'json'] },
  ordering: (t) => [asc(t.notification_type)],
});

export const actionResources: Resource[] = [
  sessionResource,
  weighingResource,
  waterAdministrationResource,
  waterRestrictionResource,
  waterRestrictionAdminResource,
  waterTypeResource,
  locationResource,
  procedureTypeResource,
  surgeryResource,
  otherActionResource,
  virusInjectionResource,
  chronicRecordingResource,
  cullReasonResource,
  cullMethodResource,
  cullResource,
  notificationResource,
  notificationRuleResource,
] as Resource[];


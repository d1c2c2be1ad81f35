// actions app tables: procedure and water types, weighings, water administrations and
// restrictions, sessions, surgeries, other actions, virus injections, chronic recordings, culls,
// notifications and notification rules. Upstream's abstract BaseAction is repeated in each action
// table (no polymorphism), with its own users/procedures join tables. Table and column names
// follow upstream Alyx; TS keys are Django field names.
import {
  type AnyPgColumn,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uuid,
  varchar,
  type PgTable,
} from 'drizzle-orm/pg-core';
import { getTableName, sql } from 'drizzle-orm';
import { joinTable } from '../../db/join-table.ts';
import { model } from '../../db/models.ts';
import { labLocations, labs, users } from '../misc/tables.ts';
import { projects, subjects } from '../subjects/tables.ts';

export const procedureTypes = pgTable(
  'actions_proceduretype',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    json: jsonb('json'),
    name: varchar('name', { length: 255 }).notNull(),
    description: text('description').notNull().default(''),
  },
  (t) => [index().on(t.name)],
);

export const waterTypes = pgTable('actions_watertype', {
  id: uuid('id').primaryKey().defaultRandom(),
  json: jsonb('json'),
  name: varchar('name', { length: 128 }).notNull().unique(),
});

/** id, name and json: the columns of upstream's BaseModel, which most tables extend (fresh builders per table). */
function baseModelColumns() {
  return {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull().default(''),
    json: jsonb('json'),
  };
}

/** The columns of weighings and water administrations: who entered what for which subject, when. */
function userActionColumns() {
  return {
    ...baseModelColumns(),
    user: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    subject: uuid('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    date_time: timestamp('date_time', { mode: 'string' }),
  };
}

export const weighings = pgTable(
  'actions_weighing',
  {
    ...userActionColumns(),
    weight: doublePrecision('weight').notNull(),
  },
  (t) => [index().on(t.subject, t.date_time), index().on(t.user), index().on(t.date_time), check('actions_weighing_weight_gte_0', sql`${t.weight} >= 0`)],
);

/** The columns every BaseAction table has (fresh builders per table). */
function baseActionColumns() {
  return {
    ...baseModelColumns(),
    subject: uuid('subject_id')
      .notNull()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    location: uuid('location_id').references(() => labLocations.id, { onDelete: 'set null' }),
    lab: uuid('lab_id').references(() => labs.id, { onDelete: 'set null' }),
    narrative: text('narrative').notNull().default(''),
    start_time: timestamp('start_time', { mode: 'string' }),
    end_time: timestamp('end_time', { mode: 'string' }),
  };
}

/** Indexes every BaseAction table has: by subject and start, start, lab, location. */
function baseActionIndexes(t: { subject: AnyPgColumn; start_time: AnyPgColumn; lab: AnyPgColumn; location: AnyPgColumn }) {
  return [index().on(t.subject, t.start_time), index().on(t.start_time), index().on(t.lab), index().on(t.location)];
}

/**
 * users / procedures join tables of a BaseAction table: <table>_users, <table>_procedures, whose
 * owner column is <model>_id as Django names it (actions_session → session_id).
 */
function actionJoinTables(owner: PgTable & { id: AnyPgColumn }) {
  const tableName = getTableName(owner);
  const ownerColumn = `${tableName.slice('actions_'.length)}_id`;
  return [
    joinTable(`${tableName}_users`, ['owner', ownerColumn, () => owner.id], ['labmember', 'labmember_id', () => users.id]),
    joinTable(`${tableName}_procedures`, ['owner', ownerColumn, () => owner.id], ['proceduretype', 'proceduretype_id', () => procedureTypes.id]),
  ] as const;
}

export const sessions = pgTable(
  'actions_session',
  {
    ...baseActionColumns(),
    parent_session: uuid('parent_session_id').references((): AnyPgColumn => sessions.id, { onDelete: 'set null' }),
    type: varchar('type', { length: 255 }),
    number: integer('number'),
    task_protocol: varchar('task_protocol', { length: 1023 }).notNull().default(''),
    n_trials: integer('n_trials'),
    n_correct_trials: integer('n_correct_trials'),
    qc: integer('qc').notNull().default(0),
    extended_qc: jsonb('extended_qc'),
    auto_datetime: timestamp('auto_datetime', { mode: 'string' }),
  },
  (t) => [
    ...baseActionIndexes(t),
    index().on(t.parent_session),
    index().on(t.number),
    index().on(t.type),
    index().on(t.qc),
    index().on(t.auto_datetime),
    index().on(t.end_time),
  ],
);
export const [sessionUsers, sessionProcedures] = actionJoinTables(sessions);
export const sessionProjects = joinTable(
  'actions_session_projects',
  ['session', 'session_id', () => sessions.id],
  ['project', 'project_id', () => projects.id],
);

/**
 * Derived (src/apps/actions/session-projects.ts): for each subject, the projects of its sessions and
 * how many of its sessions each has. Database triggers on the two tables above keep it; the
 * application only reads it (the subjects' `session_projects` field), and a restore rebuilds it.
 * Rows whose count reaches zero are deleted.
 */
export const subjectSessionProjects = pgTable(
  'actions_subject_session_projects',
  {
    // no foreign keys: a deleted subject or project takes its sessions or links along, and the
    // triggers then drop the rows they counted (a foreign key check would run mid-cascade)
    subject: uuid('subject_id').notNull(),
    project: uuid('project_id').notNull(),
    sessions: integer('sessions').notNull(),
  },
  (t) => [primaryKey({ columns: [t.subject, t.project] })],
);

export const waterAdministrations = pgTable(
  'actions_wateradministration',
  {
    ...userActionColumns(),
    session: uuid('session_id').references(() => sessions.id, { onDelete: 'set null' }),
    water_administered: doublePrecision('water_administered'),
    water_type: uuid('water_type_id').references(() => waterTypes.id, { onDelete: 'set null' }),
    adlib: boolean('adlib').notNull().default(false),
  },
  (t) => [
    index().on(t.subject, t.date_time),
    index().on(t.session),
    index().on(t.user),
    index().on(t.water_type),
    index().on(t.date_time),
    check('actions_wateradministration_water_administered_gte_0', sql`${t.water_administered} >= 0`),
  ],
);

export const surgeries = pgTable(
  'actions_surgery',
  {
    ...baseActionColumns(),
    outcome_type: varchar('outcome_type', { length: 1 }).notNull().default(''),
    implant_weight: doublePrecision('implant_weight').notNull(),
  },
  (t) => [
    ...baseActionIndexes(t),
    check('implant_weight_gte_0', sql`${t.implant_weight} >= 0`),
  ],
);
export const [surgeryUsers, surgeryProcedures] = actionJoinTables(surgeries);

export const waterRestrictions = pgTable(
  'actions_waterrestriction',
  {
    ...baseActionColumns(),
    reference_weight: doublePrecision('reference_weight').notNull().default(0),
    water_type: uuid('water_type_id').references(() => waterTypes.id, { onDelete: 'set null' }),
  },
  (t) => [
    ...baseActionIndexes(t),
    index().on(t.end_time),
    index().on(t.water_type),
    check('actions_waterrestriction_reference_weight_gte_0', sql`${t.reference_weight} >= 0`),
  ],
);
export const [waterRestrictionUsers, waterRestrictionProcedures] = actionJoinTables(waterRestrictions);

export const virusInjections = pgTable(
  'actions_virusinjection',
  {
    ...baseActionColumns(),
    virus_batch: varchar('virus_batch', { length: 255 }),
    injection_volume: doublePrecision('injection_volume'),
    rate_of_injection: doublePrecision('rate_of_injection'),
    injection_type: varchar('injection_type', { length: 1 }).notNull().default('I'),
  },
  baseActionIndexes,
);
export const [virusInjectionUsers, virusInjectionProcedures] = actionJoinTables(virusInjections);

export const otherActions = pgTable(
  'actions_otheraction',
  { ...baseActionColumns() },
  baseActionIndexes,
);
export const [otherActionUsers, otherActionProcedures] = actionJoinTables(otherActions);

export const chronicRecordings = pgTable(
  'actions_chronicrecording',
  { ...baseActionColumns() },
  baseActionIndexes,
);
export const [chronicRecordingUsers, chronicRecordingProcedures] = actionJoinTables(chronicRecordings);

export const NOTIFICATION_TYPES = [
  'responsible_user_change',
  'mouse_underweight',
  'mouse_water',
  'mouse_training',
  'mouse_not_weighed',
] as const;
export const NOTIFICATION_STATUSES = ['no-send', 'to-send', 'sent'] as const;
export const SUBJECT_SCOPES = ['none', 'all', 'mine', 'lab'] as const;

export const notifications = pgTable(
  'actions_notification',
  {
    ...baseModelColumns(),
    send_at: timestamp('send_at', { mode: 'string' }).notNull().defaultNow(),
    sent_at: timestamp('sent_at', { mode: 'string' }),
    notification_type: varchar('notification_type', { length: 32 }).notNull(),
    title: varchar('title', { length: 255 }).notNull(),
    message: text('message').notNull().default(''),
    subject: uuid('subject_id').references(() => subjects.id, { onDelete: 'set null' }),
    status: varchar('status', { length: 16 }).notNull().default('to-send'),
    /** why the last delivery attempt failed (ours, no upstream counterpart); null once sent */
    send_error: text('send_error'),
  },
  (t) => [index().on(t.subject), index().on(t.status, t.send_at), index().on(t.notification_type, t.title)],
);
export const notificationUsers = joinTable(
  'actions_notification_users',
  ['notification', 'notification_id', () => notifications.id],
  ['labmember', 'labmember_id', () => users.id],
);

export const notificationRules = pgTable(
  'actions_notificationrule',
  {
    ...baseModelColumns(),
    user: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    notification_type: varchar('notification_type', { length: 32 }).notNull(),
    subjects_scope: varchar('subjects_scope', { length: 16 }).notNull().default('mine'),
  },
  (t) => [unique('actions_notificationrule_user_type_uniq').on(t.user, t.notification_type), index().on(t.notification_type)],
);

/** Columns of the named, described reference tables (cull reasons and methods). */
function describedColumns() {
  return {
    ...baseModelColumns(),
    description: text('description').notNull().default(''),
  };
}
export const cullReasons = pgTable('actions_cullreason', describedColumns());
export const cullMethods = pgTable('actions_cullmethod', describedColumns());

export const culls = pgTable(
  'actions_cull',
  {
    ...baseModelColumns(),
    user: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    subject: uuid('subject_id')
      .notNull()
      .unique()
      .references(() => subjects.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    description: text('description').notNull().default(''),
    cull_reason: uuid('cull_reason_id').references(() => cullReasons.id, { onDelete: 'set null' }),
    cull_method: uuid('cull_method_id').references(() => cullMethods.id, { onDelete: 'set null' }),
  },
  (t) => [index().on(t.date), index().on(t.cull_reason), index().on(t.cull_method)],
);

// ---------------------------------------------------------------------------------------------
// model registry (Django names, reverse names, many-to-many)

model(procedureTypes, { name: 'ProcedureType', app: 'actions' });
model(waterTypes, { name: 'WaterType', app: 'actions' });
model(weighings, { name: 'Weighing', app: 'actions', relatedNames: { subject: 'weighings' } });
model(waterAdministrations, {
  name: 'WaterAdministration',
  app: 'actions',
  relatedNames: { subject: 'water_administrations', session: 'wateradmin_session_related' },
});

function actionModel(
  table: Parameters<typeof model>[0],
  name: string,
  joins: readonly [typeof sessionUsers, typeof sessionProcedures],
  extraM2m: Parameters<typeof model>[1]['m2m'] = {},
  extraRelated: Record<string, string> = {},
) {
  const [u, p] = joins;
  model(table, {
    name,
    app: 'actions',
    relatedNames: { subject: `actions_${name.toLowerCase()}s`, ...extraRelated },
    m2m: {
      users: { through: u, from: u.owner, to: u.labmember, target: users },
      procedures: { through: p, from: p.owner, to: p.proceduretype, target: procedureTypes },
      ...extraM2m,
    },
  });
}

actionModel(
  sessions,
  'Session',
  [sessionUsers, sessionProcedures],
  { projects: { through: sessionProjects, from: sessionProjects.session, to: sessionProjects.project, target: projects } },
  { parent_session: 'session_set' },
);
actionModel(surgeries, 'Surgery', [surgeryUsers, surgeryProcedures]);
actionModel(waterRestrictions, 'WaterRestriction', [waterRestrictionUsers, waterRestrictionProcedures]);
actionModel(virusInjections, 'VirusInjection', [virusInjectionUsers, virusInjectionProcedures]);
actionModel(otherActions, 'OtherAction', [otherActionUsers, otherActionProcedures]);
actionModel(chronicRecordings, 'ChronicRecording', [chronicRecordingUsers, chronicRecordingProcedures]);

model(notifications, {
  name: 'Notification',
  app: 'actions',
  relatedNames: { subject: 'notification_set' },
  m2m: { users: { through: notificationUsers, from: notificationUsers.notification, to: notificationUsers.labmember, target: users } },
});
model(notificationRules, { name: 'NotificationRule', app: 'actions' });
model(cullReasons, { name: 'CullReason', app: 'actions' });
model(cullMethods, { name: 'CullMethod', app: 'actions' });
model(culls, { name: 'Cull', app: 'actions', relatedNames: { subject: 'cull' } });

// jobs app tables: processing tasks and their dependency graph (upstream jobs.Task).
import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uuid,
  varchar,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';
import { joinTable } from '../../db/join-table.ts';
import { model } from '../../db/models.ts';
import { sessions } from '../actions/tables.ts';
import { dataRepositories } from '../data/tables.ts';
import { DEFAULT_STATUS } from './status.ts';

export const tasks = pgTable(
  'jobs_task',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 64 }),
    priority: smallint('priority'),
    io_charge: smallint('io_charge'),
    level: smallint('level'),
    gpu: smallint('gpu'),
    cpu: smallint('cpu'),
    ram: smallint('ram'),
    time_out_secs: smallint('time_out_secs'),
    time_elapsed_secs: doublePrecision('time_elapsed_secs'),
    executable: varchar('executable', { length: 128 }),
    graph: varchar('graph', { length: 64 }),
    status: integer('status').notNull().default(DEFAULT_STATUS),
    log: text('log'),
    session: uuid('session_id').references((): AnyPgColumn => sessions.id, { onDelete: 'cascade' }),
    version: varchar('version', { length: 64 }),
    datetime: timestamp('datetime', { mode: 'string' }).notNull().defaultNow(),
    arguments: jsonb('arguments'),
    data_repository: uuid('data_repository_id').references((): AnyPgColumn => dataRepositories.id, { onDelete: 'cascade' }),
  },
  (t) => [
    // unique (name, session, arguments) is checked by the resource (jsonb equality, as upstream)
    index('jobs_task_name_session_idx').on(t.name, t.session),
    index().on(t.session),
    index().on(t.status),
    index().on(t.data_repository),
    index().on(t.graph),
    index().on(t.executable),
    index().on(t.version),
    index().on(t.datetime),
    index().on(t.level, t.priority),
  ],
);

/** Task.parents: non-symmetrical self many-to-many (reverse name `children`). */
export const taskParents = joinTable(
  'jobs_task_parents',
  ['from_task', 'from_task_id', () => tasks.id],
  ['to_task', 'to_task_id', () => tasks.id],
);

/**
 * Tasks already sent to the Celery queue (ours, no upstream counterpart): the dispatcher sends a
 * Waiting task once, after its creation is committed, and records it here.
 */
export const taskDispatches = pgTable('jobs_taskdispatch', {
  task: uuid('task_id')
    .primaryKey()
    .references(() => tasks.id, { onDelete: 'cascade' }),
  queue: varchar('queue', { length: 255 }).notNull(),
  dispatched_at: timestamp('dispatched_at', { mode: 'string' }).notNull().defaultNow(),
});

model(tasks, {
  name: 'Task',
  app: 'jobs',
  relatedNames: { session: 'tasks', data_repository: 'tasks' },
  m2m: {
    parents: { through: taskParents, from: taskParents.from_task, to: taskParents.to_task, target: tasks, reverseName: 'children' },
  },
});
model(taskDispatches, { name: 'TaskDispatch', app: 'jobs', relatedNames: { task: 'dispatch' } });

// /tasks and /tasks/<uuid> (spec-data §5.1): processing tasks of the task graph, created and
// updated by workers (ibllib) with a token.
import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import { column, many, related } from '../../rest/fields.ts';
import { filter } from '../../rest/filters.ts';
import { nonFieldError } from '../../rest/errors.ts';
import { defineResource } from '../../rest/resource.ts';
import { nowInZone } from '../../rest/values.ts';
import { sessions } from '../actions/tables.ts';
import { labs } from '../misc/tables.ts';
import { dataRepositories } from '../data/tables.ts';
import { enumLabel, enumLabelFilter } from '../experiments/choices.ts';
import { sessionStart } from '../experiments/session-filters.ts';
import { tasks } from './tables.ts';
import { DEFAULT_STATUS, TASK_STATUSES } from './status.ts';

const small = { min: -32768, max: 32767 };

export const taskResource = defineResource({
  path: 'tasks',
  admin: {
    description: 'Processing tasks of sessions and their status.',
    menu: 'Jobs',
    columns: ['name', 'graph', 'status', 'version', 'level', 'datetime', 'session'],
    filters: ['name', 'status', 'graph', 'lab'],
    search: ['name', 'log', 'version', 'session__subject__nickname'],
    ordering: ['-datetime'],
    readOnly: ['session', 'log', 'parents'],
    labels: { io_charge: 'I/O charge', gpu: 'GPUs', cpu: 'CPUs', ram: 'RAM (GB)', time_out_secs: 'Time-out (s)', time_elapsed_secs: 'Time elapsed (s)', datetime: 'Date' },
  },
  table: tasks,
  description: 'Processing tasks: status, graph, dependencies (parents), resources and log.',
  fields: {
    id: column(tasks.id, { readOnly: true }),
    parents: many(tasks, 'parents'),
    session: related(tasks.session, sessions, { required: true, nullable: true }),
    data_repository: related(tasks.data_repository, dataRepositories, { slug: 'name', nullable: false }),
    status: enumLabel('status', 'status', TASK_STATUSES, { default: DEFAULT_STATUS }),
    name: column(tasks.name),
    priority: column(tasks.priority, small),
    io_charge: column(tasks.io_charge, small),
    level: column(tasks.level, small),
    gpu: column(tasks.gpu, small),
    cpu: column(tasks.cpu, small),
    ram: column(tasks.ram, small),
    time_out_secs: column(tasks.time_out_secs, small),
    time_elapsed_secs: column(tasks.time_elapsed_secs),
    executable: column(tasks.executable),
    graph: column(tasks.graph),
    log: column(tasks.log),
    version: column(tasks.version),
    datetime: column(tasks.datetime, { readOnly: true }),
    arguments: column(tasks.arguments),
  },
  autoFilters: { exclude: ['status'] },
  filters: {
    lab: filter((v) => sql`${tasks.session} in (select ${sessions.id} from ${sessions} join ${labs} on ${labs.id} = ${sessions.lab} where ${labs.name} = ${v})`, {
      help: 'lab name of the session',
    }),
    status: enumLabelFilter(tasks.status, 'status', TASK_STATUSES),
  },
  ordering: (t) => [asc(t.level), desc(t.priority), desc(sessionStart(t.session))],
  async validate(state, ctx) {
    const m = { ...(state.instance ?? {}), ...state.data };
    // unique (name, session, arguments) when none is null, arguments compared as JSON
    if (m.name === null || m.name === undefined || !m.session || m.arguments === null || m.arguments === undefined) return;
    if (!['name', 'session', 'arguments'].some((k) => k in state.data)) return;
    const rows = await ctx.db
      .select({ id: tasks.id })
      .from(tasks)
      .where(
        and(
          eq(tasks.name, m.name as string),
          eq(tasks.session, m.session as string),
          sql`${tasks.arguments} = ${JSON.stringify(m.arguments)}::jsonb`,
          state.instance ? ne(tasks.id, state.instance.id as string) : undefined,
        ),
      )
      .limit(1);
    if (rows.length) throw nonFieldError('The fields name, session, arguments must make a unique set.');
  },
  beforeWrite(values, _state, ctx) {
    values.datetime = nowInZone(ctx.config.timeZone);
  },
});

// REST resources of the experiments app (spec-data §4): /insertions, /trajectories, /channels,
// /brain-regions, /chronic-insertions, /fields-of-view, /fov-location, /imaging-stack.
import { asc, desc, sql, type Column, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { query } from '../../db/client.ts';
import { column, computed, custom, many, related, type Field, type Row } from '../../rest/fields.ts';
import { fieldError, invalid, nonFieldError } from '../../rest/errors.ts';
import { filter, type Filter } from '../../rest/filters.ts';
import { defineResource, type Resource, type WriteState } from '../../rest/resource.ts';
import type { RequestContext } from '../../rest/context.ts';
import { normalizeUuid, nowInZone, parseDateInput } from '../../rest/values.ts';
import { addUuidToPath } from '../data/alf.ts';
import { channelBulkCreate } from './channels-bulk.ts';
import { subjects } from '../subjects/tables.ts';
import { labs } from '../misc/tables.ts';
import { sessions } from '../actions/tables.ts';
import {
  brainRegions,
  channels,
  chronicInsertions,
  coordinateSystems,
  fieldsOfView,
  fovLocations,
  FOV_PROVENANCES,
  imagingStacks,
  imagingTypes,
  probeInsertions,
  probeModels,
  trajectoryEstimates,
} from './tables.ts';
import {
  alignedTrajectoriesIn,
  atlasRegions,
  enumLabel,
  enumLabelFilter,
  escapeLike,
  loadSessionInfo,
  regionKeyOf,
  regionRelatives,
  sessionInfoField,
  sessionStart,
  sessionsWhere,
  type Choices,
} from './shared.ts';
import { parseQc } from '../actions/qc.ts';
import { pushTo } from '../../rest/group.ts';

export const PROVENANCES: Choices = [
  [70, 'Ephys aligned histology track'],
  [50, 'Histology track'],
  [30, 'Micro-manipulator'],
  [10, 'Planned'],
];

const now = (ctx: RequestContext) => nowInZone(ctx.config.timeZone);

/** A filter over session ids: `<col> in (<subquery of session ids>)`. */
const bySession = (col: SQL | Column, sub: (v: string, ctx: { name: string }) => SQL): Filter =>
  filter((v, ctx) => sql`${col} in (${sub(v, ctx)})`);

const uuidFilter = (col: SQL | Column): Filter =>
  filter((v, ctx) => {
    const id = normalizeUuid(v);
    if (!id) throw fieldError(ctx.name, 'Enter a valid UUID.');
    return sql`${col} = ${id}`;
  });

const dateOf = (v: string, ctx: { name: string }) => {
  const d = parseDateInput(v);
  if (!d) throw fieldError(ctx.name, 'Enter a valid date.');
  return d;
};

const numberOf = (v: string, ctx: { name: string }) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw fieldError(ctx.name, 'Enter a number.');
  return n;
};

/** Session filters shared by insertions, trajectories and FOVs (sessionCol: the session id). */
function sessionFilters(sessionCol: SQL | Column, o: { projectExact?: boolean } = {}): Record<string, Filter> {
  return {
    subject: bySession(sessionCol, (v) => sessionsWhere.subject(v)),
    date: bySession(sessionCol, (v, ctx) => sessionsWhere.date(dateOf(v, ctx))),
    experiment_number: bySession(sessionCol, (v, ctx) => sessionsWhere.number(numberOf(v, ctx))),
    project: bySession(sessionCol, (v) => (o.projectExact ? sessionsWhere.project(v) : sessionsWhere.projectIcontains(v))),
  };
}

const atlasFilters = (regionsToIds: (regions: SQL) => SQL, idCol: Column): Record<string, Filter> =>
  Object.fromEntries(
    ['atlas_name', 'atlas_acronym', 'atlas_id'].map((param) => [
      param,
      filter((v, ctx) => sql`${idCol} in (${regionsToIds(atlasRegions(param, v, ctx))})`, {
        help:
          param === 'atlas_id'
            ? 'Allen structure id; the region and all its descendants'
            : param === 'atlas_acronym'
              ? 'Allen acronym (case-insensitive); the region and all its descendants'
              : 'brain region name contains; those regions and all their descendants',
      }),
    ]),
  );

// ---------------------------------------------------------------------------------------------
// datasets linked to an insertion / FOV: the objects of the insertion detail

/** Upstream's "FilterDatasetSerializer" rule as SQL over data_dataset alias `d`. */
const onServerRule = sql`(not exists (select 1 from data_datarepository r0 where r0.globus_is_personal = false)
  or exists (select 1 from data_filerecord f0 join data_datarepository r0 on r0.id = f0.data_repository_id
             where f0.dataset_id = d.id and f0.exists and r0.globus_is_personal = false))`;

function insertionDatasetsField(): Field {
  return custom({
    kind: 'computed',
    readOnly: true,
    schema: { type: 'array', readOnly: true, items: { type: 'object' } },
    async render(rows, ctx) {
      const pairs = rows.filter((r) => r.session).map((r) => sql`(${r.id as string}::uuid, ${r.session as string}::uuid, ${r.name as string}::text)`);
      const byOwner = new Map<string, Row[]>();
      if (pairs.length) {
        const found = await query<{
          owner: string;
          id: string;
          name: string;
          dataset_type: string;
          file_size: number | null;
          hash: string;
          version: string;
          collection: string;
          qc: number;
          data_url: string | null;
          relative_path: string | null;
        }>(
          ctx.db,
          sql`select o.owner, d.id, d.name, dt.name as dataset_type, d.file_size, d.hash, d.version, d.collection, d.qc,
                     fr.data_url, fr.relative_path
              from (values ${sql.join(pairs, sql`, `)}) as o(owner, session_id, pname)
              join data_dataset d on d.session_id = o.session_id
                and d.collection ilike '%' || replace(replace(replace(o.pname, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'
              join data_datasettype dt on dt.id = d.dataset_type_id
              left join lateral (
                select r.data_url, f.relative_path from data_filerecord f
                join data_datarepository r on r.id = f.data_repository_id
                where f.dataset_id = d.id and f.exists and r.globus_is_personal = false
                order by r.name, f.id limit 1) fr on true
              where ${onServerRule}
              order by o.owner, d.collection, d.name, d.id`,
        );
        for (const d of found) {
          const list = byOwner.get(d.owner) ?? [];
          list.push({
            id: d.id,
            name: d.name,
            dataset_type: d.dataset_type,
            data_url: d.data_url && d.relative_path !== null ? d.data_url + addUuidToPath(d.relative_path, d.id) : null,
            url: `${ctx.baseUrl}/datasets/${d.id}`,
            file_size: d.file_size === null ? null : Number(d.file_size),
            hash: d.hash,
            version: d.version,
            collection: d.collection,
            qc: Number(d.qc),
          });
          byOwner.set(d.owner, list);
        }
      }
      return (row) => byOwner.get(row.id as string) ?? [];
    },
  });
}

/** After a save: the linked datasets are the session's datasets whose collection contains the name. */
async function relinkDatasets(tx: RequestContext['db'], through: string, ownerCol: string, row: Row): Promise<void> {
  await tx.execute(sql`delete from ${sql.identifier(through)} where ${sql.identifier(ownerCol)} = ${row.id as string}`);
  if (!row.session) return;
  await tx.execute(sql`insert into ${sql.identifier(through)} (${sql.identifier(ownerCol)}, dataset_id)
    select ${row.id as string}::uuid, d.id from data_dataset d
    where d.session_id = ${row.session as string} and d.collection ilike ${'%' + escapeLike(String(row.name ?? '')) + '%'}`);
}

/** Insertions whose linked datasets satisfy the dataset_types / datasets / dataset_qc_lte / tag filters. */
function linkedDatasetFilters(through: string, ownerCol: string, idCol: Column, withQc: boolean): Record<string, Filter> {
  const t = sql.identifier(through);
  const o = sql.identifier(ownerCol);
  const out: Record<string, Filter> = {
    tag: filter(
      (v) => sql`${idCol} in (select l.${o} from ${t} l join data_dataset_tags dtg on dtg.dataset_id = l.dataset_id
        join data_tag tg on tg.id = dtg.tag_id where tg.name ilike ${'%' + escapeLike(v) + '%'})`,
    ),
    dataset_types: filter((v) => {
      const names = [...new Set(v.split(','))];
      return sql`${idCol} in (select l.${o} from ${t} l join data_dataset d on d.id = l.dataset_id
        join data_datasettype dt on dt.id = d.dataset_type_id
        where dt.name in (${sql.join(names.map((n) => sql`${n}`), sql`, `)})
        group by l.${o} having count(distinct dt.id) >= ${names.length})`;
    }),
    datasets: filter((v, ctx) => {
      const names = [...new Set(v.split(','))];
      let qcCond = sql``;
      if (withQc) {
        const raw = ctx.params.get('dataset_qc_lte');
        const qc = raw === null || raw === '' ? 40 : parseQc(raw, { anyCase: true, numbers: true });
        if (qc === null) throw fieldError('dataset_qc_lte', `${raw} is not a valid QC`);
        qcCond = sql` and d.qc <= ${qc}`;
      }
      return sql`${idCol} in (select l.${o} from ${t} l join data_dataset d on d.id = l.dataset_id
        where d.name in (${sql.join(names.map((n) => sql`${n}`), sql`, `)})${qcCond}
        group by l.${o} having count(distinct d.id) >= ${names.length})`;
    }),
  };
  if (withQc) {
    out.dataset_qc_lte = filter((v, ctx) => {
      const qc = parseQc(v, { anyCase: true, numbers: true });
      if (qc === null) throw fieldError(ctx.name, `${v} is not a valid QC`);
      if (ctx.params.get('datasets')) return undefined; // the datasets filter applies the QC bound
      return sql`${idCol} in (select l.${o} from ${t} l join data_dataset d on d.id = l.dataset_id where d.qc <= ${qc})`;
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// /insertions

const sessionOfRow = (rows: Row[]) => new Map(rows.map((r) => [r.id, (r.session as string | null) ?? null]));

function insertionFields(): Record<string, Field> {
  return {
    id: column(probeInsertions.id, { readOnly: true }),
    session: related(probeInsertions.session, sessions, { required: true, nullable: true }),
    model: related(probeInsertions.model, probeModels, { slug: 'probe_model' }),
    session_info: sessionInfoField(sessionOfRow),
    name: column(probeInsertions.name, { required: true }),
    json: column(probeInsertions.json),
    serial: column(probeInsertions.serial),
    auto_datetime: column(probeInsertions.auto_datetime, { readOnly: true }),
    datasets: many(probeInsertions, 'datasets'),
    chronic_insertion: related(probeInsertions.chronic_insertion, chronicInsertions),
  };
}

const insertionCommon = {
  table: probeInsertions,
  autoFilters: ['id', 'serial', 'auto_datetime', 'chronic_insertion'],
  ordering: (t: typeof probeInsertions) => [desc(sessionStart(t.session)), asc(t.name)],
  async validate(state: WriteState, ctx: RequestContext) {
    const chronic = state.data.chronic_insertion;
    if (chronic) {
      const [c] = await query<{ serial: string }>(ctx.db, sql`select serial from experiments_chronicinsertion where id = ${chronic as string}`);
      const serial = state.data.serial ?? null;
      if (!c || c.serial !== serial) throw nonFieldError('serial number of chronic insertion and probe insertion do not match');
    }
  },
  beforeWrite(values: Row, _state: WriteState, ctx: RequestContext) {
    values.auto_datetime = now(ctx);
  },
  async afterWrite(row: Row, _state: WriteState, ctx: RequestContext) {
    await relinkDatasets(ctx.db, 'experiments_probeinsertion_datasets', 'probeinsertion_id', row);
  },
};

const insertionFilters: Record<string, Filter> = {
  ...sessionFilters(probeInsertions.session),
  name: filter((v) => sql`${probeInsertions.name} = ${v}`),
  session: uuidFilter(probeInsertions.session),
  model: filter((v) => sql`${probeInsertions.model} in (select id from experiments_probemodel where name = ${v})`, {
    help: 'probe model name, e.g. "Neuropixel 3A"',
  }),
  lab: bySession(probeInsertions.session, (v) => sessionsWhere.labIexact(v)),
  task_protocol: bySession(probeInsertions.session, (v) => sessionsWhere.taskProtocolIcontains(v)),
  ...linkedDatasetFilters('experiments_probeinsertion_datasets', 'probeinsertion_id', probeInsertions.id, true),
  ...atlasFilters(
    (regions) => sql`select te.probe_insertion_id from experiments_trajectoryestimate te where te.id in (${alignedTrajectoriesIn(regions)})`,
    probeInsertions.id,
  ),
};

export const insertionListResource = defineResource({
  ...insertionCommon,
  path: 'insertions',
  name: 'ProbeInsertionList',
  description: 'Probe insertions: a probe placed in the brain during a session.',
  actions: ['list', 'create'],
  fields: insertionFields(),
  filters: insertionFilters,
});

export const insertionDetailResource = defineResource({
  ...insertionCommon,
  path: 'insertions',
  name: 'ProbeInsertionDetail',
  actions: ['read', 'update', 'partial_update', 'delete'],
  fields: (() => {
    const f = insertionFields();
    return {
      id: f.id,
      session: f.session,
      model: f.model,
      session_info: f.session_info,
      datasets: insertionDatasetsField(),
      name: f.name,
      json: f.json,
      serial: f.serial,
      auto_datetime: f.auto_datetime,
      chronic_insertion: f.chronic_insertion,
    };
  })(),
});

// ---------------------------------------------------------------------------------------------
// /trajectories

const insertionSessionOf = async (rows: Row[], ctx: RequestContext) => {
  const ids = [...new Set(rows.map((r) => r.probe_insertion).filter(Boolean))] as string[];
  const bySession = new Map<unknown, string | null>();
  if (!ids.length) return bySession;
  const found = await query<{ id: string; session_id: string | null }>(
    ctx.db,
    sql`select id, session_id from experiments_probeinsertion where id in (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})`,
  );
  const m = new Map(found.map((f) => [f.id, f.session_id]));
  for (const r of rows) bySession.set(r.id, r.probe_insertion ? (m.get(r.probe_insertion as string) ?? null) : null);
  return bySession;
};

const floatRequiredNullable = (col: Parameters<typeof column>[0]) => column(col, { required: true, nullable: true });

export const trajectoryResource = defineResource({
  path: 'trajectories',
  table: trajectoryEstimates,
  description: 'Trajectory estimates of probe insertions (planned, micro-manipulator, histology, aligned).',
  fields: {
    id: column(trajectoryEstimates.id, { readOnly: true }),
    probe_insertion: related(trajectoryEstimates.probe_insertion, probeInsertions, { default: () => null, resetOnPut: true }),
    x: floatRequiredNullable(trajectoryEstimates.x),
    y: floatRequiredNullable(trajectoryEstimates.y),
    z: column(trajectoryEstimates.z),
    depth: floatRequiredNullable(trajectoryEstimates.depth),
    theta: floatRequiredNullable(trajectoryEstimates.theta),
    phi: floatRequiredNullable(trajectoryEstimates.phi),
    roll: column(trajectoryEstimates.roll),
    provenance: enumLabel('provenance', 'provenance', PROVENANCES, { required: true }),
    session: sessionInfoField(insertionSessionOf),
    probe_name: computed(
      { type: 'string', nullable: true },
      async (rows, ctx) => {
        const pi = [...new Set(rows.map((r) => r.probe_insertion).filter(Boolean))] as string[];
        const ci = [...new Set(rows.map((r) => r.chronic_insertion).filter(Boolean))] as string[];
        const list = (ids: string[]) => sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `);
        const names = new Map<string, string>();
        if (pi.length)
          for (const r of await query<{ id: string; name: string }>(ctx.db, sql`select id, name from experiments_probeinsertion where id in (${list(pi)})`))
            names.set(r.id, r.name);
        if (ci.length)
          for (const r of await query<{ id: string; name: string }>(ctx.db, sql`select id, name from experiments_chronicinsertion where id in (${list(ci)})`))
            names.set(r.id, r.name);
        return names;
      },
      (row, names) => {
        if (row.probe_insertion) return names.get(row.probe_insertion as string) ?? null;
        if (row.chronic_insertion) return names.get(row.chronic_insertion as string) ?? null;
        return null;
      },
    ),
    coordinate_system: related(trajectoryEstimates.coordinate_system, coordinateSystems, { slug: 'name' }),
    datetime: column(trajectoryEstimates.datetime, { readOnly: true }),
    json: column(trajectoryEstimates.json),
    chronic_insertion: related(trajectoryEstimates.chronic_insertion, chronicInsertions, { default: () => null, resetOnPut: true }),
  },
  autoFilters: { exclude: ['json'] },
  filters: {
    provenance: enumLabelFilter(trajectoryEstimates.provenance, 'provenance', PROVENANCES),
    ...sessionFilters(sql`(select pi.session_id from experiments_probeinsertion pi where pi.id = ${trajectoryEstimates.probe_insertion})`, {
      projectExact: true,
    }),
    session: filter((v, ctx) => {
      const id = normalizeUuid(v);
      if (!id) throw fieldError(ctx.name, 'Enter a valid UUID.');
      return sql`${trajectoryEstimates.probe_insertion} in (select id from experiments_probeinsertion where session_id = ${id})`;
    }),
    probe: filter((v) => sql`${trajectoryEstimates.probe_insertion} in (select id from experiments_probeinsertion where name = ${v})`),
  },
  ordering: (t) => [desc(t.provenance), desc(sessionStart(sql`(select pi.session_id from experiments_probeinsertion pi where pi.id = ${t.probe_insertion})`))],
  async validate(state, ctx) {
    const merged = { ...(state.instance ?? {}), ...state.data };
    const provenance = merged.provenance;
    if (merged.probe_insertion) {
      const [{ n }] = await query<{ n: number }>(
        ctx.db,
        sql`select count(*)::int as n from experiments_trajectoryestimate where provenance = ${provenance as number}
            and probe_insertion_id = ${merged.probe_insertion as string} and id <> ${(state.instance?.id as string) ?? '00000000-0000-0000-0000-000000000000'}`,
      );
      if (n > 0) throw nonFieldError('The fields provenance, probe_insertion must make a unique set.');
    } else if (merged.chronic_insertion) {
      const [{ n }] = await query<{ n: number }>(
        ctx.db,
        sql`select count(*)::int as n from experiments_trajectoryestimate where provenance = ${provenance as number}
            and probe_insertion_id is null and chronic_insertion_id = ${merged.chronic_insertion as string}
            and id <> ${(state.instance?.id as string) ?? '00000000-0000-0000-0000-000000000000'}`,
      );
      if (n > 0) throw nonFieldError('The fields provenance, chronic_insertion must make a unique set.');
    }
  },
  beforeWrite(values, _state, ctx) {
    values.datetime = now(ctx);
  },
});

// ---------------------------------------------------------------------------------------------
// /channels

const regionField = (): Field => {
  const base = related(channels.brain_region, brainRegions, { default: () => 0 });
  return {
    ...base,
    schema: { type: 'integer', nullable: true },
    async parse(raw, ctx, instance) {
      if (raw !== null && raw !== '' && !(typeof raw === 'number' && Number.isInteger(raw)) && !(typeof raw === 'string' && /^\d+$/.test(raw.trim())))
        throw invalid('A valid integer is required.');
      return base.parse!(typeof raw === 'string' ? raw.trim() : raw, ctx, instance);
    },
  };
};

const channelPath = sql`(select pi.session_id from experiments_trajectoryestimate te join experiments_probeinsertion pi on pi.id = te.probe_insertion_id where te.id = ${channels.trajectory_estimate})`;

export const channelResource: Resource = defineResource<PgTable>({
  path: 'channels',
  table: channels,
  description: 'Channels of a trajectory estimate with their brain region. POST accepts one object or a list.',
  bulkCreate: channelBulkCreate(
    (): Record<string, Field> => channelResource.fields,
    (): string[] => Object.keys(channelResource.fields),
    (rows: Row[], names: string[], ctx: RequestContext): Promise<Row[]> => channelResource.serialize(rows, names, ctx),
  ),
  fields: {
    id: column(channels.id, { readOnly: true }),
    trajectory_estimate: related(channels.trajectory_estimate, trajectoryEstimates, { required: true, nullable: false }),
    brain_region: regionField(),
    name: column(channels.name),
    json: column(channels.json),
    axial: column(channels.axial),
    lateral: column(channels.lateral),
    x: column(channels.x),
    y: column(channels.y),
    z: column(channels.z),
  },
  autoFilters: { exclude: ['json'] },
  filters: {
    session: filter((v, ctx) => {
      const id = normalizeUuid(v);
      if (!id) throw fieldError(ctx.name, 'Enter a valid UUID.');
      return sql`${channelPath} = ${id}`;
    }),
    probe_insertion: filter((v, ctx) => {
      const id = normalizeUuid(v);
      if (!id) throw fieldError(ctx.name, 'Enter a valid UUID.');
      return sql`${channels.trajectory_estimate} in (select id from experiments_trajectoryestimate where probe_insertion_id = ${id})`;
    }),
    subject: filter((v) => sql`${channelPath} in (${sessionsWhere.subject(v)})`),
    lab: filter((v) => sql`${channelPath} in (${sessionsWhere.lab(v)})`),
  },
  ordering: () => [asc(channels.trajectory_estimate), asc(channels.axial), asc(channels.lateral)],
  async afterWrite(row, _state, ctx) {
    // saving a channel bumps its trajectory's "last update"
    if (row.trajectory_estimate)
      await ctx.db.execute(sql`update experiments_trajectoryestimate set datetime = ${now(ctx)} where id = ${row.trajectory_estimate as string}`);
  },
});

// ---------------------------------------------------------------------------------------------
// /brain-regions

const regionLookupFilter = (direction: 'ancestors' | 'descendants'): Filter =>
  filter(
    async (v, ctx) => {
      const key = regionKeyOf(v);
      const found = await query(
        ctx.db,
        key.by === 'id'
          ? sql`select 1 from experiments_brainregion where id = ${key.value}`
          : sql`select 1 from experiments_brainregion where acronym = ${key.value}`,
      );
      if (found.length === 0) throw fieldError(ctx.name, `No brain region with ${key.by} ${key.value}.`);
      return sql`${brainRegions.id} in (${regionRelatives(key, direction, { excludeVoid: true })})`;
    },
    { help: `${direction} of a region (id or acronym), the region included, "void" (0) excluded` },
  );

export const brainRegionResource = defineResource({
  path: 'brain-regions',
  table: brainRegions,
  description: 'The Allen CCF brain-region tree. Only `description` may be changed.',
  actions: ['list', 'read', 'update', 'partial_update'],
  fields: {
    id: column(brainRegions.id, { readOnly: true }),
    acronym: column(brainRegions.acronym, { readOnly: true }),
    name: column(brainRegions.name, { readOnly: true }),
    description: column(brainRegions.description),
    parent: column(brainRegions.parent, { readOnly: true }),
    related_descriptions: computed(
      { type: 'array', items: { type: 'object' } },
      async (rows, ctx) => {
        const ids = rows.map((r) => r.id as number);
        const out = new Map<number, Row[]>();
        if (!ids.length) return out;
        // ancestors (root first) then descendants (pre-order), having a description
        const found = await query<{ owner: number; id: number; name: string; description: string; level: number }>(
          ctx.db,
          sql`select r.id as owner, x.id, x.name, x.description, x.level
              from experiments_brainregion r
              join experiments_brainregion x on x.tree_id = r.tree_id
                and ((x.lft < r.lft and x.rght > r.rght) or (x.lft > r.lft and x.rght < r.rght))
              where r.id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)}) and x.description is not null
              order by r.id, x.lft`,
        );
        for (const f of found) {
          const list = out.get(Number(f.owner)) ?? [];
          list.push({ id: Number(f.id), name: f.name, description: f.description, level: Number(f.level) });
          out.set(Number(f.owner), list);
        }
        return out;
      },
      (row, map) => map.get(row.id as number) ?? [],
    ),
  },
  autoFilters: ['id', 'parent'],
  filters: {
    acronym: filter((v) => sql`upper(${brainRegions.acronym}) = upper(${v})`),
    name: filter((v) => sql`${brainRegions.name} ilike ${'%' + escapeLike(v) + '%'}`),
    description: filter((v) => sql`${brainRegions.description} ilike ${'%' + escapeLike(v) + '%'}`),
    ancestors: regionLookupFilter('ancestors'),
    descendants: regionLookupFilter('descendants'),
  },
  ordering: (t) => [asc(t.tree_id), asc(t.lft)],
});

// ---------------------------------------------------------------------------------------------
// /chronic-insertions

export const chronicInsertionResource = defineResource({
  path: 'chronic-insertions',
  table: chronicInsertions,
  description: 'Chronically implanted probes, with the probe insertions recorded through them.',
  fields: {
    id: column(chronicInsertions.id, { readOnly: true }),
    name: column(chronicInsertions.name),
    subject: related(chronicInsertions.subject, subjects, { slug: 'nickname', required: true }),
    lab: related(chronicInsertions.lab, labs, { slug: 'name' }),
    model: related(chronicInsertions.model, probeModels, { slug: 'probe_model' }),
    start_time: column(chronicInsertions.start_time, { default: now }),
    serial: column(chronicInsertions.serial),
    json: column(chronicInsertions.json),
    probe_insertion: computed(
      { type: 'array', items: { type: 'object' } },
      async (rows, ctx) => {
        const ids = rows.map((r) => r.id as string);
        const out = new Map<string, Row[]>();
        if (!ids.length) return out;
        const found = await query<{ owner: string; id: string; name: string; model: string | null; serial: string; session_id: string | null }>(
          ctx.db,
          sql`select pi.chronic_insertion_id as owner, pi.id, pi.name, pm.name as model, pi.serial, pi.session_id
              from experiments_probeinsertion pi
              left join experiments_probemodel pm on pm.id = pi.model_id
              left join actions_session s on s.id = pi.session_id
              where pi.chronic_insertion_id in (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})
              order by s.start_time desc, pi.name, pi.id`,
        );
        const info = await loadSessionInfo(ctx.db, found.map((f) => f.session_id));
        for (const f of found) {
          const list = out.get(f.owner) ?? [];
          list.push({ id: f.id, name: f.name, model: f.model, serial: f.serial, session_info: f.session_id ? (info.get(f.session_id) ?? null) : null });
          out.set(f.owner, list);
        }
        return out;
      },
      (row, map) => map.get(row.id as string) ?? [],
    ),
  },
  autoFilters: { exclude: ['json'] },
  filters: {
    subject: filter((v) => sql`${chronicInsertions.subject} in (select id from subjects_subject where nickname = ${v})`),
    lab: filter((v) => sql`${chronicInsertions.lab} in (select id from misc_lab where name = ${v})`),
    model: filter((v) => sql`${chronicInsertions.model} in (select id from experiments_probemodel where name = ${v})`),
    probe: filter((v, ctx) => {
      const id = normalizeUuid(v);
      if (!id) throw fieldError(ctx.name, 'Enter a valid UUID.');
      return sql`${chronicInsertions.id} in (select chronic_insertion_id from experiments_probeinsertion where id = ${id})`;
    }),
    session: filter((v, ctx) => {
      const id = normalizeUuid(v);
      if (!id) throw fieldError(ctx.name, 'Enter a valid UUID.');
      return sql`${chronicInsertions.id} in (select chronic_insertion_id from experiments_probeinsertion where session_id = ${id})`;
    }),
    serial: filter((v) => sql`${chronicInsertions.serial} = ${v}`),
    ...atlasFilters(
      (regions) =>
        sql`select te.chronic_insertion_id from experiments_trajectoryestimate te where te.id in (${alignedTrajectoriesIn(regions)})`,
      chronicInsertions.id,
    ),
  },
  ordering: (t) => [desc(t.start_time)],
  beforeWrite(values, state) {
    if (state.action === 'create' && !('lab' in values)) {
      // the subject's lab, as the admin form pre-fills it
      values.lab = sql`(select lab_id from subjects_subject where id = ${values.subject as string})`;
    }
  },
});

// ---------------------------------------------------------------------------------------------
// imaging: /fields-of-view, /fov-location, /imaging-stack

const floatList = (key: 'x' | 'y' | 'z', max: number): Field =>
  custom({
    kind: 'column',
    source: key,
    many: true,
    schema: { type: 'array', items: { type: 'number' }, maxItems: max },
    default: () => [],
    render: () => (row) => ((row[key] as unknown[] | null) ?? []).map(Number),
    parse(raw) {
      if (!Array.isArray(raw)) throw invalid(`Expected a list of items but got type "${typeof raw}".`);
      if (raw.length > max) throw invalid(`Ensure this field has no more than ${max} elements.`);
      return raw.map((v) => {
        const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
        if (!Number.isFinite(n)) throw invalid('A valid number is required.');
        return n;
      });
    },
    columns: (value) => ({ [key]: value }),
  });

const intList = (key: 'n_xyz', max: number): Field => {
  const f = floatList('x', max);
  return custom({
    ...f,
    source: key,
    render: () => (row) => ((row[key] as unknown[] | null) ?? []).map(Number),
    parse(raw, ctx, inst) {
      const list = f.parse!(raw, ctx, inst) as number[];
      if (list.some((n) => !Number.isInteger(n))) throw invalid('A valid integer is required.');
      return list;
    },
    columns: (value) => ({ [key]: value }),
  });
};

function fovLocationFields(): Record<string, Field> {
  return {
    id: column(fovLocations.id, { readOnly: true }),
    brain_region: many(fovLocations, 'brain_region'),
    coordinate_system: related(fovLocations.coordinate_system, coordinateSystems, {
      slug: 'name',
      default: async (ctx) => {
        const [c] = await query<{ id: string }>(ctx.db, sql`select id from experiments_coordinatesystem where name = 'IBL-Allen'`);
        return c?.id ?? null;
      },
    }),
    provenance: column(fovLocations.provenance, { choices: FOV_PROVENANCES, required: true }),
    x: floatList('x', 8),
    y: floatList('y', 8),
    z: floatList('z', 8),
    n_xyz: intList('n_xyz', 3),
    json: column(fovLocations.json),
    field_of_view: related(fovLocations.field_of_view, fieldsOfView, { required: true }),
    default_provenance: column(fovLocations.default_provenance),
    auto_datetime: column(fovLocations.auto_datetime, { readOnly: true }),
  };
}

const LOCATION_LIST = ['id', 'brain_region', 'coordinate_system', 'provenance', 'x', 'y', 'z', 'n_xyz', 'default_provenance', 'auto_datetime'];

const arrayContains = (key: 'x' | 'y' | 'z' | 'n_xyz') =>
  filter((v, ctx) => {
    const n = numberOf(v, ctx);
    return key === 'n_xyz' ? sql`${fovLocations[key]} @> array[${Math.trunc(n)}]::integer[]` : sql`${fovLocations[key]} @> array[${n}]::double precision[]`;
  });

const fovLocationCommon = {
  table: fovLocations,
  beforeWrite(values: Row, _s: WriteState, ctx: RequestContext) {
    values.auto_datetime = now(ctx);
  },
  async afterWrite(row: Row, _s: WriteState, ctx: RequestContext) {
    // one default location per field of view
    if (row.default_provenance)
      await ctx.db.execute(
        sql`update experiments_fovlocation set default_provenance = false where field_of_view_id = ${row.field_of_view as string} and id <> ${row.id as string}`,
      );
  },
};

export const fovLocationListResource = defineResource({
  ...fovLocationCommon,
  path: 'fov-location',
  name: 'FOVLocationList',
  description: 'Locations of imaging fields of view (estimate, functional, landmark, histology).',
  actions: ['list', 'create'],
  fields: fovLocationFields(),
  listFields: LOCATION_LIST,
  autoFilters: { exclude: ['json'] },
  filters: {
    provenance: filter((v, ctx) => {
      const m = FOV_PROVENANCES.find(([, l]) => l.toLowerCase() === v.trim().toLowerCase());
      if (!m) throw fieldError(ctx.name, `Invalid provenance, choices are: ${FOV_PROVENANCES.map(([, l]) => l).join(', ')}`);
      return sql`${fovLocations.provenance} = ${m[0]}`;
    }),
    coordinate_system: filter((v) => sql`${fovLocations.coordinate_system} in (select id from experiments_coordinatesystem where name = ${v})`),
    x: arrayContains('x'),
    y: arrayContains('y'),
    z: arrayContains('z'),
    n_xyz: arrayContains('n_xyz'),
  },
  ordering: (t) => [desc(t.default_provenance)],
});

export const fovLocationDetailResource = defineResource({
  ...fovLocationCommon,
  path: 'fov-location',
  name: 'FOVLocationDetail',
  actions: ['read', 'update', 'partial_update', 'delete'],
  fields: fovLocationFields(),
});

/** The nested `location` list of FOVs (default provenance first), one query per page. */
function fovLocationsNested(): Field {
  return custom({
    kind: 'computed',
    readOnly: true,
    schema: { type: 'array', readOnly: true, items: { type: 'object' } },
    async render(rows, ctx) {
      const ids = rows.map((r) => r.id as string);
      const out = new Map<string, Row[]>();
      if (!ids.length) return () => [];
      const locs = (await ctx.db
        .select()
        .from(fovLocations)
        .where(sql`${fovLocations.field_of_view} in (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})`)
        .orderBy(desc(fovLocations.default_provenance), asc(fovLocations.provenance), asc(fovLocations.id))) as Row[];
      const rendered = await fovLocationListResource.serialize(locs, LOCATION_LIST, ctx);
      locs.forEach((l, i) => pushTo(out, l.field_of_view as string, rendered[i]));
      return (row) => out.get(row.id as string) ?? [];
    },
  });
}

function fovFields(): Record<string, Field> {
  return {
    id: column(fieldsOfView.id, { readOnly: true }),
    imaging_type: related(fieldsOfView.imaging_type, imagingTypes, { slug: 'name', required: true }),
    location: fovLocationsNested(),
    name: column(fieldsOfView.name, { required: true }),
    json: column(fieldsOfView.json),
    session: related(fieldsOfView.session, sessions, { required: true }),
    datasets: many(fieldsOfView, 'datasets'),
    stack: related(fieldsOfView.stack, imagingStacks),
  };
}

export const fovResource = defineResource({
  path: 'fields-of-view',
  table: fieldsOfView,
  name: 'FOV',
  description: 'Imaging fields of view of a session, with their locations.',
  fields: fovFields(),
  autoFilters: { exclude: ['json'] },
  filters: {
    ...sessionFilters(fieldsOfView.session, { projectExact: true }),
    lab: bySession(fieldsOfView.session, (v) => sessionsWhere.labIexact(v)),
    imaging_type: filter((v) => sql`${fieldsOfView.imaging_type} in (select id from experiments_imagingtype where name ilike ${'%' + escapeLike(v) + '%'})`),
    ...(() => {
      const f = linkedDatasetFilters('experiments_fov_datasets', 'fov_id', fieldsOfView.id, false);
      return { dataset_types: f.dataset_types, datasets: f.datasets };
    })(),
    ...atlasFilters(
      (regions) =>
        sql`select l.field_of_view_id from experiments_fovlocation l where l.default_provenance and l.id in (
          select lb.fovlocation_id from experiments_fovlocation_brain_region lb where lb.brainregion_id in (${regions}))`,
      fieldsOfView.id,
    ),
  },
  ordering: (t) => [desc(sessionStart(t.session)), asc(t.name)],
  async validate(state, ctx) {
    const merged = { ...(state.instance ?? {}), ...state.data };
    if (merged.stack) {
      const other = await query<{ session_id: string }>(
        ctx.db,
        sql`select session_id from experiments_fov where stack_id = ${merged.stack as string} and id <> ${(state.instance?.id as string) ?? '00000000-0000-0000-0000-000000000000'} limit 1`,
      );
      if (other.length && other[0].session_id !== merged.session) throw nonFieldError('Stack fields of view must belong to the same session');
    }
  },
  async afterWrite(row, _s, ctx) {
    await relinkDatasets(ctx.db, 'experiments_fov_datasets', 'fov_id', row);
  },
});

function stackSlicesField(): Field {
  return custom({
    kind: 'computed',
    readOnly: true,
    schema: { type: 'array', readOnly: true, items: { type: 'object' } },
    async render(rows, ctx) {
      const ids = rows.map((r) => r.id as string);
      const out = new Map<string, Row[]>();
      if (ids.length) {
        const fovs = (await ctx.db
          .select()
          .from(fieldsOfView)
          .where(sql`${fieldsOfView.stack} in (${sql.join(ids.map((i) => sql`${i}::uuid`), sql`, `)})`)
          .orderBy(asc(fieldsOfView.name), asc(fieldsOfView.id))) as Row[];
        const rendered = await fovResource.serialize(fovs, Object.keys(fovFields()), ctx);
        fovs.forEach((f, i) => pushTo(out, f.stack as string, rendered[i]));
      }
      return (row) => out.get(row.id as string) ?? [];
    },
  });
}

export const imagingStackResource = defineResource({
  path: 'imaging-stack',
  table: imagingStacks,
  description: 'Imaging stacks: fields of view along one z axis (slices).',
  actions: ['list', 'create', 'read'],
  fields: {
    id: column(imagingStacks.id, { readOnly: true }),
    slices: stackSlicesField(),
    name: column(imagingStacks.name, { required: true }),
    json: column(imagingStacks.json),
  },
  listFields: ['id', 'slices'],
  autoFilters: { exclude: ['json'] },
  filters: atlasFilters(
    (regions) =>
      sql`select f.stack_id from experiments_fov f where f.id in (select l.field_of_view_id from experiments_fovlocation l
        where l.default_provenance and l.id in (select lb.fovlocation_id from experiments_fovlocation_brain_region lb where lb.brainregion_id in (${regions})))`,
    imagingStacks.id,
  ),
});

export const experimentsResources = [
  insertionListResource,
  insertionDetailResource,
  trajectoryResource,
  channelResource,
  brainRegionResource,
  chronicInsertionResource,
  fovResource,
  fovLocationListResource,
  fovLocationDetailResource,
  imagingStackResource,
];


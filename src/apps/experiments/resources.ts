// REST resources of the experiments app (spec-data §4): /insertions, /trajectories, /channels,
// /brain-regions, /chronic-insertions, /fields-of-view, /fov-location, /imaging-stack.
import { and, asc, count, desc, eq, ilike, inArray, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { QueryBuilder, type PgTable } from 'drizzle-orm/pg-core';
import { column, computed, custom, many, related, type Field, type Row } from '../../rest/fields.ts';
import { fieldError, invalid, nonFieldError } from '../../rest/errors.ts';
import { bySlug, escapeLike, exact, filter, iexact, icontains, type Filter } from '../../rest/filters.ts';
import { defineResource, type Resource, type WriteState } from '../../rest/resource.ts';
import type { RequestContext } from '../../rest/context.ts';
import { nowInZone } from '../../rest/values.ts';
import { channelBulkCreate, touchTrajectories } from './channels-bulk.ts';
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
import { enumLabel, enumLabelFilter, type Choices } from './choices.ts';
import { loadSessionInfo, sessionInfoField } from './session-info.ts';
import { bySession, sessionFilters, sessionMatches, sessionStart } from './session-filters.ts';
import { numberOf, uuidFilter } from './filter-values.ts';
import { alignedInsertionsIn, atlasFilters, columnOf, describedRelatives, fovsIn, regionExists, regionKeyOf, regionRelatives } from './region-queries.ts';
import { fovDatasetLink, insertionDatasetLink, insertionDatasetsField, linkedDatasetFilters, relinkDatasets } from './dataset-links.ts';
import { pushTo } from '../../rest/group.ts';
import { nestedListField } from './nested-lists.ts';

export const PROVENANCES: Choices = [
  [70, 'Ephys aligned histology track'],
  [50, 'Histology track'],
  [30, 'Micro-manipulator'],
  [10, 'Planned'],
];

const now = (ctx: RequestContext) => nowInZone(ctx.config.timeZone);
const qb = new QueryBuilder();

/** `id <> <the instance's id>` on updates: the other rows of a uniqueness check. */
const otherThan = (idCol: typeof trajectoryEstimates.id | typeof fieldsOfView.id, state: WriteState) =>
  state.instance ? ne(idCol, state.instance.id as string) : undefined;

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
      const [c] = await ctx.db.select({ serial: chronicInsertions.serial }).from(chronicInsertions).where(eq(chronicInsertions.id, chronic as string));
      const serial = state.data.serial ?? null;
      if (!c || c.serial !== serial) throw nonFieldError('serial number of chronic insertion and probe insertion do not match');
    }
  },
  beforeWrite(values: Row, _state: WriteState, ctx: RequestContext) {
    values.auto_datetime = now(ctx);
  },
  async afterWrite(row: Row, _state: WriteState, ctx: RequestContext) {
    await relinkDatasets(ctx.db, insertionDatasetLink, row);
  },
};

const insertionFilters: Record<string, Filter> = {
  ...sessionFilters(probeInsertions.session),
  name: exact(probeInsertions.name),
  session: uuidFilter((id) => eq(probeInsertions.session, id)),
  model: bySlug(probeInsertions.model, probeModels, 'name', { help: 'probe model name, e.g. "Neuropixel 3A"' }),
  lab: bySession(probeInsertions.session, sessionMatches.labIexact),
  task_protocol: bySession(probeInsertions.session, sessionMatches.taskProtocolIcontains),
  ...linkedDatasetFilters(insertionDatasetLink, probeInsertions.id, true),
  ...atlasFilters((regions) => alignedInsertionsIn(regions), probeInsertions.id),
};

export const insertionListResource = defineResource({
  ...insertionCommon,
  path: 'insertions',
  admin: {
    menu: 'Experiments',
    label: 'Probe insertions',
    labelSingular: 'Probe insertion',
    columns: ['name', 'model', 'session', 'serial', 'chronic_insertion'],
    filters: ['subject', 'lab', 'model', 'project'],
    search: ['name', 'session__subject__nickname'],
    readOnly: ['auto_datetime', 'datasets'],
    labels: { session_info: 'Session details', auto_datetime: 'Last updated' },
    hidden: ['id', 'json', 'session_info'],
    inlines: [{ resource: 'trajectories', field: 'probe_insertion', title: 'Trajectory estimates', columns: ['x', 'y', 'z', 'depth', 'theta', 'phi', 'roll', 'provenance'], add: true }],
  },
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
  const found = await ctx.db
    .select({ id: probeInsertions.id, session: probeInsertions.session })
    .from(probeInsertions)
    .where(inArray(probeInsertions.id, ids));
  const m = new Map(found.map((f) => [f.id, f.session]));
  for (const r of rows) bySession.set(r.id, r.probe_insertion ? (m.get(r.probe_insertion as string) ?? null) : null);
  return bySession;
};

/** The session of a trajectory: its insertion's (a scalar subquery). */
const trajectorySession = sql`${qb.select({ session: probeInsertions.session }).from(probeInsertions).where(eq(probeInsertions.id, trajectoryEstimates.probe_insertion))}`;

/** Probe insertions of one session. */
const insertionsOfSession = (id: string) => qb.select({ id: probeInsertions.id }).from(probeInsertions).where(eq(probeInsertions.session, id));

const floatRequiredNullable = (col: Parameters<typeof column>[0]) => column(col, { required: true, nullable: true });

export const trajectoryResource = defineResource({
  path: 'trajectories',
  admin: {
    menu: 'Experiments',
    label: 'Trajectory estimates',
    labelSingular: 'Trajectory estimate',
    columns: ['probe_insertion', 'chronic_insertion', 'provenance', 'x', 'y', 'z', 'depth', 'theta', 'phi', 'datetime'],
    filters: ['provenance', 'subject'],
    ordering: ['-provenance'],
    hidden: ['id', 'json'],
  },
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
        const names = new Map<string, string>();
        const load = async (t: typeof probeInsertions | typeof chronicInsertions, ids: string[]) => {
          if (ids.length) for (const r of await ctx.db.select({ id: t.id, name: t.name }).from(t).where(inArray(t.id, ids))) names.set(r.id, r.name);
        };
        await load(probeInsertions, pi);
        await load(chronicInsertions, ci);
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
    ...sessionFilters(trajectorySession, { projectExact: true }),
    session: uuidFilter((id) => inArray(trajectoryEstimates.probe_insertion, insertionsOfSession(id))),
    probe: bySlug(trajectoryEstimates.probe_insertion, probeInsertions, 'name'),
  },
  ordering: (t) => [desc(t.provenance), desc(sessionStart(trajectorySession))],
  async validate(state, ctx) {
    const merged = { ...(state.instance ?? {}), ...state.data };
    // one trajectory per provenance and insertion (or chronic insertion without insertion)
    const taken = async (owner: SQL) => {
      const [{ n }] = await ctx.db
        .select({ n: count() })
        .from(trajectoryEstimates)
        .where(and(eq(trajectoryEstimates.provenance, merged.provenance as number), owner, otherThan(trajectoryEstimates.id, state)));
      return n > 0;
    };
    const t = trajectoryEstimates;
    if (merged.probe_insertion) {
      if (await taken(eq(t.probe_insertion, merged.probe_insertion as string)))
        throw nonFieldError('The fields provenance, probe_insertion must make a unique set.');
    } else if (merged.chronic_insertion) {
      if (await taken(and(isNull(t.probe_insertion), eq(t.chronic_insertion, merged.chronic_insertion as string))!))
        throw nonFieldError('The fields provenance, chronic_insertion must make a unique set.');
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

/** The session of a channel: its trajectory's insertion's (a scalar subquery). */
const channelSession = sql`${qb
  .select({ session: probeInsertions.session })
  .from(trajectoryEstimates)
  .innerJoin(probeInsertions, eq(probeInsertions.id, trajectoryEstimates.probe_insertion))
  .where(eq(trajectoryEstimates.id, channels.trajectory_estimate))}`;

export const channelResource: Resource = defineResource<PgTable>({
  path: 'channels',
  admin: { menu: 'Experiments', columns: ['trajectory_estimate', 'x', 'y', 'z', 'brain_region', 'axial', 'lateral'], filters: ['trajectory_estimate', 'brain_region'], hidden: ['id', 'json'] },
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
    session: uuidFilter((id) => sql`${channelSession} = ${id}`),
    probe_insertion: uuidFilter((id) =>
      inArray(channels.trajectory_estimate, qb.select({ id: trajectoryEstimates.id }).from(trajectoryEstimates).where(eq(trajectoryEstimates.probe_insertion, id))),
    ),
    subject: bySession(channelSession, sessionMatches.subject),
    lab: bySession(channelSession, sessionMatches.lab),
  },
  ordering: () => [asc(channels.trajectory_estimate), asc(channels.axial), asc(channels.lateral)],
  async afterWrite(row, _state, ctx) {
    // saving a channel bumps its trajectory's "last update"
    if (row.trajectory_estimate) await touchTrajectories(ctx.db, [row.trajectory_estimate as string], now(ctx));
  },
});

// ---------------------------------------------------------------------------------------------
// /brain-regions

const regionLookupFilter = (direction: 'ancestors' | 'descendants'): Filter =>
  filter(
    async (v, ctx) => {
      const key = regionKeyOf(v);
      if (!(await regionExists(ctx.db, key))) throw fieldError(ctx.name, `No brain region with ${key.by} ${key.value}.`);
      return inArray(brainRegions.id, regionRelatives(key, direction, { excludeVoid: true }));
    },
    { help: `${direction} of a region (id or acronym), the region included, "void" (0) excluded` },
  );

export const brainRegionResource = defineResource({
  path: 'brain-regions',
  admin: {
    menu: 'Experiments',
    columns: ['name', 'id', 'acronym', 'parent', 'description'],
    search: ['name', 'acronym', 'parent__name', 'description'],
    readOnly: ['name', 'acronym', 'parent'],
    hidden: ['related_descriptions'],
  },
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
        const found = await describedRelatives(ctx.db, ids);
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
    acronym: iexact(brainRegions.acronym),
    name: icontains(brainRegions.name),
    description: icontains(brainRegions.description),
    ancestors: regionLookupFilter('ancestors'),
    descendants: regionLookupFilter('descendants'),
  },
  ordering: (t) => [asc(t.tree_id), asc(t.lft)],
});

// ---------------------------------------------------------------------------------------------
// /chronic-insertions

/** Chronic insertions of the probe insertions matching `condition`. */
const chronicOfInsertions = (condition: SQL) =>
  inArray(chronicInsertions.id, qb.select({ id: probeInsertions.chronic_insertion }).from(probeInsertions).where(condition));

export const chronicInsertionResource = defineResource({
  path: 'chronic-insertions',
  admin: { menu: 'Experiments', columns: ['name', 'subject', 'lab', 'model', 'start_time', 'serial'], filters: ['subject', 'lab', 'model'], search: ['name', 'subject__nickname'], hidden: ['id', 'json'] },
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
        const pi = probeInsertions;
        const found = await ctx.db
          .select({ owner: pi.chronic_insertion, id: pi.id, name: pi.name, model: probeModels.name, serial: pi.serial, session: pi.session })
          .from(pi)
          .leftJoin(probeModels, eq(probeModels.id, pi.model))
          .leftJoin(sessions, eq(sessions.id, pi.session))
          .where(inArray(pi.chronic_insertion, ids))
          .orderBy(desc(sessions.start_time), asc(pi.name), asc(pi.id));
        const info = await loadSessionInfo(ctx.db, found.map((f) => f.session));
        for (const f of found) {
          const session_info = f.session ? (info.get(f.session) ?? null) : null;
          pushTo(out, f.owner!, { id: f.id, name: f.name, model: f.model, serial: f.serial, session_info });
        }
        return out;
      },
      (row, map) => map.get(row.id as string) ?? [],
    ),
  },
  autoFilters: { exclude: ['json'] },
  filters: {
    subject: bySlug(chronicInsertions.subject, subjects, 'nickname'),
    lab: bySlug(chronicInsertions.lab, labs, 'name'),
    model: bySlug(chronicInsertions.model, probeModels, 'name'),
    probe: uuidFilter((id) => chronicOfInsertions(eq(probeInsertions.id, id))),
    session: uuidFilter((id) => chronicOfInsertions(eq(probeInsertions.session, id))),
    serial: exact(chronicInsertions.serial),
    ...atlasFilters((regions) => alignedInsertionsIn(regions, 'chronic_insertion'), chronicInsertions.id),
  },
  ordering: (t) => [desc(t.start_time)],
  beforeWrite(values, state) {
    if (state.action === 'create' && !('lab' in values)) {
      // the subject's lab, as the admin form pre-fills it
      values.lab = sql`${qb.select({ lab: subjects.lab }).from(subjects).where(eq(subjects.id, values.subject as string))}`;
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
        const [c] = await ctx.db.select({ id: coordinateSystems.id }).from(coordinateSystems).where(eq(coordinateSystems.name, 'IBL-Allen'));
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
      await ctx.db
        .update(fovLocations)
        .set({ default_provenance: false })
        .where(and(eq(fovLocations.field_of_view, row.field_of_view as string), ne(fovLocations.id, row.id as string)));
  },
};

export const fovLocationListResource = defineResource({
  ...fovLocationCommon,
  path: 'fov-location',
  admin: { menu: false, label: 'Field of view locations', labelSingular: 'Field of view location', columns: ['field_of_view', 'provenance', 'default_provenance', 'x', 'y', 'z', 'brain_region'], filters: ['field_of_view', 'provenance'] },
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
    coordinate_system: bySlug(fovLocations.coordinate_system, coordinateSystems, 'name'),
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

/** The nested `location` list of FOVs (default provenance first). */
const fovLocationList = (): Field =>
  nestedListField({
    table: fovLocations,
    fk: fovLocations.field_of_view,
    orderBy: [desc(fovLocations.default_provenance), asc(fovLocations.provenance), asc(fovLocations.id)],
    resource: () => fovLocationListResource,
    fieldNames: () => LOCATION_LIST,
  });

function fovFields(): Record<string, Field> {
  return {
    id: column(fieldsOfView.id, { readOnly: true }),
    imaging_type: related(fieldsOfView.imaging_type, imagingTypes, { slug: 'name', required: true }),
    location: fovLocationList(),
    name: column(fieldsOfView.name, { required: true }),
    json: column(fieldsOfView.json),
    session: related(fieldsOfView.session, sessions, { required: true }),
    datasets: many(fieldsOfView, 'datasets'),
    stack: related(fieldsOfView.stack, imagingStacks),
  };
}

export const fovResource = defineResource({
  path: 'fields-of-view',
  admin: { menu: 'Experiments', label: 'Fields of view', labelSingular: 'Field of view', columns: ['name', 'session', 'imaging_type', 'stack'], filters: ['subject', 'imaging_type', 'lab'], search: ['name', 'session__subject__nickname'], hidden: ['id', 'json'], inlines: [{ resource: 'fov-location', field: 'field_of_view', title: 'Locations', columns: ['x', 'y', 'z', 'brain_region', 'provenance', 'default_provenance'], add: true }] },
  table: fieldsOfView,
  name: 'FOV',
  description: 'Imaging fields of view of a session, with their locations.',
  fields: fovFields(),
  autoFilters: { exclude: ['json'] },
  filters: {
    ...sessionFilters(fieldsOfView.session, { projectExact: true }),
    lab: bySession(fieldsOfView.session, sessionMatches.labIexact),
    imaging_type: filter((v) =>
      inArray(fieldsOfView.imaging_type, qb.select({ id: imagingTypes.id }).from(imagingTypes).where(ilike(imagingTypes.name, '%' + escapeLike(v) + '%'))),
    ),
    ...(() => {
      const f = linkedDatasetFilters(fovDatasetLink, fieldsOfView.id, false);
      return { dataset_types: f.dataset_types, datasets: f.datasets };
    })(),
    ...atlasFilters(fovsIn, fieldsOfView.id),
  },
  ordering: (t) => [desc(sessionStart(t.session)), asc(t.name)],
  async validate(state, ctx) {
    const merged = { ...(state.instance ?? {}), ...state.data };
    if (merged.stack) {
      const other = await ctx.db
        .select({ session: fieldsOfView.session })
        .from(fieldsOfView)
        .where(and(eq(fieldsOfView.stack, merged.stack as string), otherThan(fieldsOfView.id, state)))
        .limit(1);
      if (other.length && other[0].session !== merged.session) throw nonFieldError('Stack fields of view must belong to the same session');
    }
  },
  async afterWrite(row, _s, ctx) {
    await relinkDatasets(ctx.db, fovDatasetLink, row);
  },
});

/** The fields of view of a stack. */
const stackSlices = (): Field =>
  nestedListField({
    table: fieldsOfView,
    fk: fieldsOfView.stack,
    orderBy: [asc(fieldsOfView.name), asc(fieldsOfView.id)],
    resource: () => fovResource,
    fieldNames: () => Object.keys(fovFields()),
  });

export const imagingStackResource = defineResource({
  path: 'imaging-stack',
  admin: { menu: false, label: 'Imaging stacks', labelSingular: 'Imaging stack', columns: ['id', 'slices'] },
  table: imagingStacks,
  description: 'Imaging stacks: fields of view along one z axis (slices).',
  actions: ['list', 'create', 'read'],
  fields: {
    id: column(imagingStacks.id, { readOnly: true }),
    slices: stackSlices(),
    name: column(imagingStacks.name, { required: true }),
    json: column(imagingStacks.json),
  },
  listFields: ['id', 'slices'],
  autoFilters: { exclude: ['json'] },
  filters: atlasFilters((regions) => columnOf(fieldsOfView, fieldsOfView.stack, fovsIn(regions)), imagingStacks.id),
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


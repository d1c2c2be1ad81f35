// Datasets linked to a probe insertion or a field of view (join tables
// experiments_probeinsertion_datasets / experiments_fov_datasets): the links are the session's
// datasets whose collection contains the owner's name, rebuilt after every save; the nested
// dataset objects of the insertion detail; and the list filters through the links.
import { and, asc, countDistinct, eq, ilike, inArray, lte, sql, type Column, type SQL } from 'drizzle-orm';
import { QueryBuilder, type PgColumn } from 'drizzle-orm/pg-core';
import type { Queryable } from '../../db/client.ts';
import { custom, type Field, type Row } from '../../rest/fields.ts';
import { fieldError } from '../../rest/errors.ts';
import { escapeLike, filter, type Filter } from '../../rest/filters.ts';
import { parseQc } from '../actions/qc.ts';
import { addUuidToPath } from '../data/alf.ts';
import { dataRepositories, datasetTags, datasetTypes, datasets, fileRecords, tags } from '../data/tables.ts';
import { pushTo } from '../../rest/group.ts';
import { fieldsOfView, fovDatasets, probeInsertionDatasets, probeInsertions } from './tables.ts';

const qb = new QueryBuilder();

/** A join table between owners (insertions, FOVs) and datasets, with its two columns. */
export interface DatasetLink {
  through: typeof probeInsertionDatasets | typeof fovDatasets;
  owner: PgColumn;
  dataset: PgColumn;
}

export const insertionDatasetLink: DatasetLink = {
  through: probeInsertionDatasets,
  owner: probeInsertionDatasets.probeinsertion,
  dataset: probeInsertionDatasets.dataset,
};
export const fovDatasetLink: DatasetLink = { through: fovDatasets, owner: fovDatasets.fov, dataset: fovDatasets.dataset };

/** `pattern ilike` operand: '%' + the name with LIKE wildcards escaped + '%', computed in SQL. */
const containing = (name: Column | SQL) =>
  sql`'%' || replace(replace(replace(${name}, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;

/** After a save: the linked datasets are the session's datasets whose collection contains the name. */
export async function relinkDatasets(tx: Queryable, link: DatasetLink, row: Row): Promise<void> {
  await tx.delete(link.through).where(eq(link.owner, row.id as string));
  if (!row.session) return;
  // the select's columns in the join table's column order: owner, dataset
  await tx.insert(link.through).select(
    qb
      .select({ owner: sql`${row.id as string}::uuid`, dataset: datasets.id })
      .from(datasets)
      .where(and(eq(datasets.session, row.session as string), ilike(datasets.collection, '%' + escapeLike(String(row.name ?? '')) + '%')))
      .getSQL(),
  );
}

/**
 * Upstream's Dataset.save: a saved dataset whose collection has a second part (`alf/probe00/...` ->
 * `probe00`) is linked to the probe insertions and fields of view of its session with that name,
 * replacing its links of that kind; a dataset that matches none keeps its links.
 */
export async function linkSavedDatasets(tx: Queryable, datasetIds: string[], inserted: ReadonlySet<string> = new Set()): Promise<void> {
  const part = sql`split_part(${datasets.collection}, '/', 2)`;
  const saved = and(inArray(datasets.id, datasetIds), sql`position('/' in ${datasets.collection}) > 0`);
  // datasets the caller has just inserted have no links to replace (a registration of new files)
  const relinked = datasetIds.filter((id) => !inserted.has(id));
  const links = [
    { link: insertionDatasetLink, ownerTable: probeInsertions, id: probeInsertions.id, session: probeInsertions.session, name: probeInsertions.name },
    { link: fovDatasetLink, ownerTable: fieldsOfView, id: fieldsOfView.id, session: fieldsOfView.session, name: fieldsOfView.name },
  ];
  for (const { link, ownerTable, id, session, name } of links) {
    const joined = (fields: Record<string, PgColumn>) =>
      qb.select(fields).from(datasets).innerJoin(ownerTable, and(eq(session, datasets.session), eq(name, part))).where(saved);
    if (relinked.length) await tx.delete(link.through).where(inArray(link.dataset, joined({ dataset: datasets.id })));
    // the select's columns in the join table's column order: owner, dataset
    await tx.insert(link.through).select(joined({ owner: id, dataset: datasets.id }).getSQL()).onConflictDoNothing();
  }
}

/** Upstream's "FilterDatasetSerializer" rule: without a server repository every dataset, else those on one. */
const onServerRule = sql`(not exists ${qb.select({ one: sql`1` }).from(dataRepositories).where(eq(dataRepositories.globus_is_personal, false))}
  or exists ${qb
    .select({ one: sql`1` })
    .from(fileRecords)
    .innerJoin(dataRepositories, eq(dataRepositories.id, fileRecords.data_repository))
    .where(and(eq(fileRecords.dataset, datasets.id), eq(fileRecords.exists, true), eq(dataRepositories.globus_is_personal, false)))})`;

/** The datasets of each insertion with their first server file (for data_url), one query per page. */
async function insertionDatasets(db: Queryable, insertionIds: string[]) {
  const firstServerFile = qb
    .select({ data_url: dataRepositories.data_url, relative_path: fileRecords.relative_path })
    .from(fileRecords)
    .innerJoin(dataRepositories, eq(dataRepositories.id, fileRecords.data_repository))
    .where(and(eq(fileRecords.dataset, datasets.id), eq(fileRecords.exists, true), eq(dataRepositories.globus_is_personal, false)))
    .orderBy(asc(dataRepositories.name), asc(fileRecords.id))
    .limit(1)
    .as('fr');
  return db
    .select({
      owner: probeInsertions.id,
      id: datasets.id,
      name: datasets.name,
      dataset_type: datasetTypes.name,
      file_size: datasets.file_size,
      hash: datasets.hash,
      version: datasets.version,
      collection: datasets.collection,
      qc: datasets.qc,
      data_url: firstServerFile.data_url,
      relative_path: firstServerFile.relative_path,
    })
    .from(probeInsertions)
    .innerJoin(datasets, and(eq(datasets.session, probeInsertions.session), sql`${datasets.collection} ilike ${containing(probeInsertions.name)}`))
    .innerJoin(datasetTypes, eq(datasetTypes.id, datasets.dataset_type))
    .leftJoinLateral(firstServerFile, sql`true`)
    .where(and(inArray(probeInsertions.id, insertionIds), onServerRule))
    .orderBy(asc(probeInsertions.id), asc(datasets.collection), asc(datasets.name), asc(datasets.id));
}

/** The `datasets` objects of the insertion detail. */
export function insertionDatasetsField(): Field {
  return custom({
    kind: 'computed',
    readOnly: true,
    schema: { type: 'array', readOnly: true, items: { type: 'object' } },
    async render(rows, ctx) {
      const ids = rows.filter((r) => r.session).map((r) => r.id as string);
      const byOwner = new Map<string, Row[]>();
      for (const d of ids.length ? await insertionDatasets(ctx.db, ids) : []) {
        pushTo(byOwner, d.owner, {
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
      }
      return (row) => byOwner.get(row.id as string) ?? [];
    },
  });
}

const commaNames = (v: string) => [...new Set(v.split(','))];

/** The dataset_qc_lte bound: a QC name or number; `absent` (if given) when the parameter is missing or empty. */
function qcBound(raw: string | null, param: string, absent?: number): number {
  if ((raw === null || raw === '') && absent !== undefined) return absent;
  const qc = parseQc(raw ?? '', { anyCase: true, numbers: true });
  if (qc === null) throw fieldError(param, `${raw} is not a valid QC`);
  return qc;
}

/**
 * Owners whose linked datasets satisfy the dataset_types / datasets / dataset_qc_lte / tag filters.
 * Each is a correlated `exists` on the link table's owner column (one per required name), so the
 * plan probes the link's owner index for each owner row and does not depend on planner statistics.
 */
export function linkedDatasetFilters(link: DatasetLink, idCol: Column, withQc: boolean): Record<string, Filter> {
  // `idCol` (the outer query's column object) renders qualified, which makes the subquery correlated;
  // a query builder select renders in parentheses inside sql``
  const linked = () => qb.select({ one: sql`1` }).from(link.through);
  const hasDataset = (condition: SQL | undefined) =>
    sql`exists ${linked()
      .innerJoin(datasets, eq(datasets.id, link.dataset))
      .where(and(eq(link.owner, idCol), condition))}`;
  const out: Record<string, Filter> = {
    tag: filter(
      (v) =>
        sql`exists ${linked()
          .innerJoin(datasetTags, eq(datasetTags.dataset, link.dataset))
          .innerJoin(tags, eq(tags.id, datasetTags.tag))
          .where(and(eq(link.owner, idCol), ilike(tags.name, '%' + escapeLike(v) + '%')))}`,
    ),
    dataset_types: filter((v) =>
      and(
        // the type's id as a scalar subquery (names are unique): an unknown name gives null, which
        // matches no dataset, so the owner is excluded as before
        ...commaNames(v).map((name) =>
          hasDataset(sql`${datasets.dataset_type} = ${qb.select({ id: datasetTypes.id }).from(datasetTypes).where(eq(datasetTypes.name, name))}`),
        ),
      ),
    ),
    datasets: filter((v, ctx) => {
      const names = commaNames(v);
      const qc = withQc ? lte(datasets.qc, qcBound(ctx.params.get('dataset_qc_lte'), 'dataset_qc_lte', 40)) : undefined;
      // as upstream: the owner's linked datasets of those names are counted, not the names, so two
      // datasets of one name (two collections) stand for two names; counted per owner row
      const matching = qb
        .select({ n: countDistinct(datasets.id) })
        .from(link.through)
        .innerJoin(datasets, eq(datasets.id, link.dataset))
        .where(and(eq(link.owner, idCol), inArray(datasets.name, names), qc));
      return sql`${matching} >= ${names.length}`;
    }),
  };
  if (withQc) {
    out.dataset_qc_lte = filter((v, ctx) => {
      const qc = qcBound(v, ctx.name);
      if (ctx.params.get('datasets')) return undefined; // the datasets filter applies the QC bound
      return hasDataset(lte(datasets.qc, qc));
    });
  }
  return out;
}

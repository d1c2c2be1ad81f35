// What the data app adds to sessions (through src/apps/actions/extensions.ts): the
// `data_dataset_session_related` list of the session detail, and the dataset filters of /sessions.
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { registerSessionFilter, registerSessionRelated } from '../actions/extensions.ts';
import { sessions } from '../actions/tables.ts';
import { fieldError } from '../../rest/errors.ts';
import { escapeLike } from '../../rest/filters.ts';
import { parseQc, qcLabel } from '../actions/qc.ts';
import { hasServerRepository, loadDatasetUrls } from './logic.ts';
import { datasetTypes, datasets } from './tables.ts';

/** Datasets with an existing record on a server repository (when one exists, upstream shows only those). */
const ON_SERVER = sql`exists (select 1 from data_filerecord fr join data_datarepository r on r.id = fr.data_repository_id
  where fr.dataset_id = ${datasets.id} and fr.exists and r.globus_is_personal = false)`;

registerSessionRelated('data_dataset_session_related', async (sessionIds, ctx) => {
  const out = new Map<string, unknown[]>();
  if (!sessionIds.length) return out;
  const server = await hasServerRepository(ctx.db);
  const rows = await ctx.db
    .select({
      id: datasets.id,
      session: datasets.session,
      name: datasets.name,
      dataset_type: datasetTypes.name,
      file_size: datasets.file_size,
      hash: datasets.hash,
      version: datasets.version,
      collection: datasets.collection,
      revision: datasets.revision,
      default_dataset: datasets.default_dataset,
      qc: datasets.qc,
    })
    .from(datasets)
    .innerJoin(datasetTypes, eq(datasetTypes.id, datasets.dataset_type))
    .where(and(inArray(datasets.session, sessionIds), server ? ON_SERVER : undefined))
    .orderBy(asc(datasets.collection), asc(datasets.name), asc(datasets.id));
  const urls = await loadDatasetUrls(ctx.db, rows.map((r) => r.id));
  for (const r of rows) {
    const list = out.get(r.session!) ?? [];
    list.push({
      id: r.id,
      name: r.name,
      dataset_type: r.dataset_type,
      data_url: urls.get(r.id) ?? null,
      url: `${ctx.baseUrl}/datasets/${r.id}`,
      file_size: r.file_size,
      hash: r.hash,
      version: r.version,
      collection: r.collection,
      revision: r.revision ?? '',
      default_revision: r.default_dataset ? 'True' : 'False',
      qc: qcLabel(r.qc),
    });
    out.set(r.session!, list);
  }
  return out;
});

const names = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

registerSessionFilter('dataset_types', (v) => {
  const list = names(v);
  if (!list.length) return undefined;
  return and(
    ...list.map(
      (t) => sql`exists (select 1 from data_dataset d join data_datasettype t on t.id = d.dataset_type_id where d.session_id = ${sessions.id} and t.name = ${t})`,
    ),
  );
});

function qcParam(raw: string | null, name: string): number {
  if (raw === null || raw === '') return 40;
  const q = parseQc(raw, { anyCase: true, numbers: true });
  if (q === null) throw fieldError(name, `${raw} is not a valid QC`);
  return q;
}

registerSessionFilter('datasets', (v, ctx) => {
  const list = names(v);
  if (!list.length) return undefined;
  const lte = qcParam(ctx.params.get('dataset_qc_lte'), 'dataset_qc_lte');
  const conds: SQL[] = list.map(
    (n) => sql`exists (select 1 from data_dataset d where d.session_id = ${sessions.id} and d.name = ${n} and d.qc <= ${lte}
      and exists (select 1 from data_filerecord fr join data_datarepository r on r.id = fr.data_repository_id
                  where fr.dataset_id = d.id and fr.exists and r.globus_is_personal = false))`,
  );
  return and(...conds);
});

registerSessionFilter('dataset_qc_lte', (v, ctx) => {
  if (ctx.params.get('datasets')) return undefined; // applied together with `datasets`
  const lte = qcParam(v, ctx.name);
  return sql`exists (select 1 from data_dataset d where d.session_id = ${sessions.id} and d.qc <= ${lte})`;
});

registerSessionFilter(
  'tag',
  (v) => sql`exists (select 1 from data_dataset d join data_dataset_tags dt on dt.dataset_id = d.id join data_tag t on t.id = dt.tag_id
    where d.session_id = ${sessions.id} and t.name ilike ${'%' + escapeLike(v) + '%'})`,
);

// What the data app adds to sessions: the `data_dataset_session_related` list of the session
// detail, and the dataset filters of /sessions. Declared as `extends.sessions` in ./index.ts.
import { and, asc, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { SessionExtensions, SessionFilterFn, SessionRelatedLoader } from '../actions/extensions.ts';
import { sessions } from '../actions/tables.ts';
import { fieldError } from '../../rest/errors.ts';
import { escapeLike } from '../../rest/filters.ts';
import { pushTo } from '../../rest/group.ts';
import { parseQc } from '../actions/qc.ts';
import { hasServerRecord, hasServerRepository, loadDatasetUrls } from './file-records.ts';
import { isTagged, selectDatasetRows, sessionDatasetItem } from './dataset-rows.ts';
import { datasetTypes, datasets, tags } from './tables.ts';
import { inIds } from '../../db/ids.ts';

const sessionDatasets: SessionRelatedLoader = async (sessionIds, ctx) => {
  const out = new Map<string, unknown[]>();
  if (!sessionIds.length) return out;
  // datasets with an existing record on a server repository (when one exists, upstream shows only those)
  const server = await hasServerRepository(ctx.db);
  const rows = await selectDatasetRows(
    ctx.db,
    [...sessionDatasetItem.keys, 'session'],
    inIds(datasets.session, sessionIds),
    { orderBy: [asc(datasets.collection), asc(datasets.name), asc(datasets.id)], onServer: server },
  );
  const dataUrls = await loadDatasetUrls(ctx.db, rows.map((r) => r.id));
  for (const r of rows) pushTo(out, r.session!, sessionDatasetItem.render(r, { baseUrl: ctx.baseUrl, dataUrls }));
  return out;
};

/** `exists (a dataset of the session for which `condition` holds)` */
const sessionHasDataset = (condition: SQL | undefined) =>
  sql`exists (select 1 from ${datasets} where ${and(eq(datasets.session, sessions.id), condition)})`;

const names = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

const datasetTypesFilter: SessionFilterFn = (v) => {
  const list = names(v);
  if (!list.length) return undefined;
  return and(
    ...list.map((t) =>
      // the type's id as a scalar subquery (names are unique): computed once, so each session is
      // probed on the (session, dataset_type) index, a plan that holds without planner statistics
      sessionHasDataset(sql`${datasets.dataset_type} = (select ${datasetTypes.id} from ${datasetTypes} where ${datasetTypes.name} = ${t})`),
    ),
  );
};

function qcParam(raw: string | null, name: string): number {
  if (raw === null || raw === '') return 40;
  const q = parseQc(raw, { anyCase: true, numbers: true });
  if (q === null) throw fieldError(name, `${raw} is not a valid QC`);
  return q;
}

const datasetsFilter: SessionFilterFn = (v, ctx) => {
  const list = names(v);
  if (!list.length) return undefined;
  const maxQc = qcParam(ctx.params.get('dataset_qc_lte'), 'dataset_qc_lte');
  return and(...list.map((n) => sessionHasDataset(and(eq(datasets.name, n), lte(datasets.qc, maxQc), hasServerRecord(datasets.id)))));
};

const datasetQcFilter: SessionFilterFn = (v, ctx) => {
  if (ctx.params.get('datasets')) return undefined; // applied together with `datasets`
  const maxQc = qcParam(v, ctx.name);
  return sessionHasDataset(lte(datasets.qc, maxQc));
};

const tagFilter: SessionFilterFn = (v) => sessionHasDataset(isTagged(datasets.id, sql`${tags.name} ilike ${'%' + escapeLike(v) + '%'}`));

export const dataSessionExtensions: SessionExtensions = {
  related: { data_dataset_session_related: sessionDatasets },
  filters: { dataset_types: datasetTypesFilter, datasets: datasetsFilter, dataset_qc_lte: datasetQcFilter, tag: tagFilter },
};

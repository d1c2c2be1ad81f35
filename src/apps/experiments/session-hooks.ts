// What the experiments app adds to the session serializers and filters of the actions app:
// the nested `probe_insertion` and `field_of_view` lists of the session detail, and the
// atlas_name / atlas_acronym / atlas_id session filters (spec-core §2.9). Declared as
// `extends.sessions` in ./index.ts.
import { asc, desc, inArray, sql } from 'drizzle-orm';
import type { SessionExtensions, SessionFilterFn, SessionRelatedLoader } from '../actions/extensions.ts';
import { sessions } from '../actions/tables.ts';
import type { Row } from '../../rest/fields.ts';
import { alignedTrajectoriesIn, atlasRegions } from './shared.ts';
import { fieldsOfView, probeInsertions } from './tables.ts';
import { fovResource, insertionListResource } from './resources.ts';
import { pushTo } from '../../rest/group.ts';

async function bySession(rows: Row[], rendered: Row[]): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>();
  rows.forEach((r, i) => pushTo(out, r.session as string, rendered[i]));
  return out;
}

const sessionInsertions: SessionRelatedLoader = async (sessionIds, ctx) => {
  if (!sessionIds.length) return new Map();
  const rows = (await ctx.db
    .select()
    .from(probeInsertions)
    .where(inArray(probeInsertions.session, sessionIds))
    .orderBy(asc(probeInsertions.name), asc(probeInsertions.id))) as Row[];
  const names = insertionListResource.listFields ?? Object.keys(insertionListResource.fields);
  return bySession(rows, await insertionListResource.serialize(rows, names, ctx));
};

const sessionFieldsOfView: SessionRelatedLoader = async (sessionIds, ctx) => {
  if (!sessionIds.length) return new Map();
  const rows = (await ctx.db
    .select()
    .from(fieldsOfView)
    .where(inArray(fieldsOfView.session, sessionIds))
    .orderBy(asc(fieldsOfView.name), desc(fieldsOfView.id))) as Row[];
  return bySession(rows, await fovResource.serialize(rows, Object.keys(fovResource.fields), ctx));
};

/** Sessions with a probe insertion whose aligned trajectory crosses the regions, or a field of
 * view whose default location covers them. */
const atlasFilter =
  (name: 'atlas_name' | 'atlas_acronym' | 'atlas_id'): SessionFilterFn =>
  (v, ctx) => {
    const regions = atlasRegions(name, v, ctx);
    return sql`(${sessions.id} in (select pi.session_id from experiments_probeinsertion pi
        where pi.id in (select te.probe_insertion_id from experiments_trajectoryestimate te where te.id in (${alignedTrajectoriesIn(regions)})))
      or ${sessions.id} in (select f.session_id from experiments_fov f where f.id in (
        select l.field_of_view_id from experiments_fovlocation l where l.default_provenance and l.id in (
          select lb.fovlocation_id from experiments_fovlocation_brain_region lb where lb.brainregion_id in (${regions})))))`;
  };

export const experimentsSessionExtensions: SessionExtensions = {
  related: { probe_insertion: sessionInsertions, field_of_view: sessionFieldsOfView },
  filters: { atlas_name: atlasFilter('atlas_name'), atlas_acronym: atlasFilter('atlas_acronym'), atlas_id: atlasFilter('atlas_id') },
};

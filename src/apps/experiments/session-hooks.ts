// What the experiments app adds to the session serializers and filters of the actions app:
// the nested `probe_insertion` and `field_of_view` lists of the session detail, and the
// atlas_name / atlas_acronym / atlas_id session filters (spec-core §2.9). Declared as
// `extends.sessions` in ./index.ts.
import { asc, desc, inArray, or } from 'drizzle-orm';
import type { SessionExtensions, SessionFilterFn, SessionRelatedLoader } from '../actions/extensions.ts';
import { sessions } from '../actions/tables.ts';
import { alignedInsertionsIn, atlasRegions, columnOf, fovsIn } from './region-queries.ts';
import { fieldsOfView, probeInsertions } from './tables.ts';
import { fovResource, insertionListResource } from './resources.ts';
import { loadNested } from './nested-lists.ts';

const sessionInsertions: SessionRelatedLoader = (sessionIds, ctx) =>
  loadNested(
    {
      table: probeInsertions,
      fk: probeInsertions.session,
      orderBy: [asc(probeInsertions.name), asc(probeInsertions.id)],
      resource: () => insertionListResource,
      fieldNames: () => insertionListResource.listFields ?? Object.keys(insertionListResource.fields),
    },
    sessionIds,
    ctx,
  );

const sessionFieldsOfView: SessionRelatedLoader = (sessionIds, ctx) =>
  loadNested(
    {
      table: fieldsOfView,
      fk: fieldsOfView.session,
      orderBy: [asc(fieldsOfView.name), desc(fieldsOfView.id)],
      resource: () => fovResource,
      fieldNames: () => Object.keys(fovResource.fields),
    },
    sessionIds,
    ctx,
  );

/** Sessions with a probe insertion whose aligned trajectory crosses the regions, or a field of
 * view whose default location covers them. */
const atlasFilter =
  (name: 'atlas_name' | 'atlas_acronym' | 'atlas_id'): SessionFilterFn =>
  (v, ctx) => {
    const regions = atlasRegions(name, v, ctx);
    return or(
      inArray(sessions.id, columnOf(probeInsertions, probeInsertions.session, alignedInsertionsIn(regions))),
      inArray(sessions.id, columnOf(fieldsOfView, fieldsOfView.session, fovsIn(regions))),
    );
  };

export const experimentsSessionExtensions: SessionExtensions = {
  related: { probe_insertion: sessionInsertions, field_of_view: sessionFieldsOfView },
  filters: { atlas_name: atlasFilter('atlas_name'), atlas_acronym: atlasFilter('atlas_acronym'), atlas_id: atlasFilter('atlas_id') },
};

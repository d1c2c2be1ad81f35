// What the experiments app adds to the session serializers and filters of the actions app:
// the nested `probe_insertion` and `field_of_view` lists of the session detail, and the
// atlas_name / atlas_acronym / atlas_id session filters (spec-core §2.9).
import { asc, desc, inArray, or } from 'drizzle-orm';
import { registerSessionFilter, registerSessionRelated } from '../actions/extensions.ts';
import { sessions } from '../actions/tables.ts';
import { alignedInsertionsIn, atlasRegions, columnOf, fovsIn } from './region-queries.ts';
import { fieldsOfView, probeInsertions } from './tables.ts';
import { fovResource, insertionListResource } from './resources.ts';
import { loadNested } from './nested-lists.ts';

registerSessionRelated('probe_insertion', (sessionIds, ctx) =>
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
  ),
);

registerSessionRelated('field_of_view', (sessionIds, ctx) =>
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
  ),
);

for (const name of ['atlas_name', 'atlas_acronym', 'atlas_id'] as const) {
  registerSessionFilter(name, (v, ctx) => {
    const regions = atlasRegions(name, v, ctx);
    // a probe insertion with an aligned trajectory crossing the regions, or a field of view
    // whose default location covers them
    return or(
      inArray(sessions.id, columnOf(probeInsertions, probeInsertions.session, alignedInsertionsIn(regions))),
      inArray(sessions.id, columnOf(fieldsOfView, fieldsOfView.session, fovsIn(regions))),
    );
  });
}

// What the experiments app adds to the session serializers and filters of the actions app:
// the nested `probe_insertion` and `field_of_view` lists of the session detail, and the
// atlas_name / atlas_acronym / atlas_id session filters (spec-core §2.9).
import { asc, desc, inArray, or } from 'drizzle-orm';
import { registerSessionFilter, registerSessionRelated } from '../actions/extensions.ts';
import { sessions } from '../actions/tables.ts';
import type { Row } from '../../rest/fields.ts';
import { alignedInsertionsIn, atlasRegions, columnOf, fovsIn } from './region-queries.ts';
import { fieldsOfView, probeInsertions } from './tables.ts';
import { fovResource, insertionListResource } from './resources.ts';
import { pushTo } from '../../rest/group.ts';

async function bySession(rows: Row[], rendered: Row[]): Promise<Map<string, unknown[]>> {
  const out = new Map<string, unknown[]>();
  rows.forEach((r, i) => pushTo(out, r.session as string, rendered[i]));
  return out;
}

registerSessionRelated('probe_insertion', async (sessionIds, ctx) => {
  if (!sessionIds.length) return new Map();
  const rows = (await ctx.db
    .select()
    .from(probeInsertions)
    .where(inArray(probeInsertions.session, sessionIds))
    .orderBy(asc(probeInsertions.name), asc(probeInsertions.id))) as Row[];
  const names = insertionListResource.listFields ?? Object.keys(insertionListResource.fields);
  return bySession(rows, await insertionListResource.serialize(rows, names, ctx));
});

registerSessionRelated('field_of_view', async (sessionIds, ctx) => {
  if (!sessionIds.length) return new Map();
  const rows = (await ctx.db
    .select()
    .from(fieldsOfView)
    .where(inArray(fieldsOfView.session, sessionIds))
    .orderBy(asc(fieldsOfView.name), desc(fieldsOfView.id))) as Row[];
  return bySession(rows, await fovResource.serialize(rows, Object.keys(fovResource.fields), ctx));
});

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

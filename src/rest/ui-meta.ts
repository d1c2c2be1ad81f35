// Metadata for the web UI, derived from the same resource declarations as the API:
// which resources exist, their fields (type, read-only, required, relation target) and filters.
import type { Resource } from './resource.ts';

export function uiMetadata(resources: Resource[]) {
  return resources.map((r) => ({
    path: r.path,
    model: r.modelName,
    lookup: r.lookup,
    actions: r.actions,
    listFields: r.listFields ?? Object.keys(r.fields),
    detailFields: r.detailFields ?? Object.keys(r.fields),
    fields: Object.fromEntries(
      Object.entries(r.fields).map(([name, f]) => [
        name,
        {
          kind: f.kind,
          schema: f.schema,
          readOnly: f.readOnly,
          required: f.required,
          many: f.many,
          help: f.help ?? null,
        },
      ]),
    ),
    filters: Object.fromEntries(Object.entries(r.allFilters).map(([name, f]) => [name, { schema: f.schema ?? { type: 'string' }, help: f.help ?? null }])),
  }));
}

// Extension points through which later apps (data, experiments) add to the session serializers
// and filters. Actions comes before data and experiments in the app order, so it cannot import
// their tables; they declare `extends.sessions` in their index.ts and src/apps/index.ts installs
// those declarations once. Without a provider a nested list is [] and a filter is not applied.
import type { RequestContext } from '../../rest/context.ts';
import type { Filter, FilterContext } from '../../rest/filters.ts';
import type { SQL } from 'drizzle-orm';

/** Nested read-only lists of the session detail that other apps own. */
export const SESSION_RELATED_FIELDS = ['data_dataset_session_related', 'probe_insertion', 'field_of_view'] as const;
export type SessionRelatedField = (typeof SESSION_RELATED_FIELDS)[number];

/** Loads the serialized items for a page of session ids (batched: a constant number of queries). */
export type SessionRelatedLoader = (sessionIds: string[], ctx: RequestContext) => Promise<Map<string, unknown[]>>;

const related = new Map<SessionRelatedField, SessionRelatedLoader>();


export function sessionRelatedLoader(field: SessionRelatedField): SessionRelatedLoader | undefined {
  return related.get(field);
}

/** Session list filters whose tables belong to later apps (spec-core §2.9). */
export const SESSION_DELEGATED_FILTERS = {
  dataset_types: 'comma-separated dataset type names: sessions having datasets of all of these types',
  datasets: 'comma-separated dataset names: sessions having all of them (qc <= dataset_qc_lte, with a file on a server repository)',
  dataset_qc_lte: 'a QC name or number: sessions with a dataset of qc at most this value',
  tag: 'sessions with a dataset whose tag name contains the value',
  atlas_name: 'brain region name (icontains), with its descendants',
  atlas_acronym: 'brain region acronym (iexact), with its descendants',
  atlas_id: 'brain region id, with its descendants',
} as const;
export type SessionDelegatedFilter = keyof typeof SESSION_DELEGATED_FILTERS;

/** `apply` receives the session table's id column context; return a condition on actions_session. */
export type SessionFilterFn = (value: string, ctx: FilterContext) => SQL | undefined | Promise<SQL | undefined>;

const filters = new Map<SessionDelegatedFilter, SessionFilterFn>();

/** What a later app adds to sessions: nested lists of the detail and delegated list filters. */
export interface SessionExtensions {
  related?: Partial<Record<SessionRelatedField, SessionRelatedLoader>>;
  filters?: Partial<Record<SessionDelegatedFilter, SessionFilterFn>>;
}

/** Installs an app's `extends.sessions` (src/apps/index.ts calls it once per app). */
export function extendSessions(ext: SessionExtensions): void {
  for (const [field, loader] of Object.entries(ext.related ?? {})) related.set(field as SessionRelatedField, loader);
  for (const [name, fn] of Object.entries(ext.filters ?? {})) filters.set(name as SessionDelegatedFilter, fn);
}

/** The declared filter of the sessions resource that forwards to the registered implementation. */
export function delegatedSessionFilter(name: SessionDelegatedFilter): Filter {
  return {
    help: SESSION_DELEGATED_FILTERS[name],
    apply: (value, ctx) => {
      const fn = filters.get(name);
      return fn ? fn(Array.isArray(value) ? value[value.length - 1] : value, ctx) : undefined;
    },
  };
}

// Extension points through which a later app (actions) adds water-control numbers, nested
// action lists and the projects of the sessions to the subject serializers. Subjects come before actions in the app order, so
// subjects cannot import the actions tables; actions declares `extends.subjects` in its index.ts
// and src/apps/index.ts installs it. Without a
// provider the fields fall back to upstream's values for a subject with no weighing: 0 / null / [].
import type { RequestContext } from '../../rest/context.ts';
import type { Row } from '../../rest/fields.ts';

export interface SubjectWaterInfo {
  reference_weight: number;
  /** start of the water restriction in force today, as rendered (YYYY-MM-DDTHH:MM:SS) */
  last_water_restriction: string | null;
  expected_water: number;
  remaining_water: number;
}

export interface SubjectActionsProvider {
  /** water control numbers for a page of subject rows (batched: a constant number of queries) */
  waterInfo?(subjects: Row[], ctx: RequestContext): Promise<Map<string, SubjectWaterInfo>>;
  /** serialized weighings per subject id, shaped as /weighings items */
  weighings?(subjects: Row[], ctx: RequestContext): Promise<Map<string, unknown[]>>;
  /** serialized water administrations per subject id, shaped as /water-administrations items */
  waterAdministrations?(subjects: Row[], ctx: RequestContext): Promise<Map<string, unknown[]>>;
  /** names of the projects of each subject's sessions, sorted, per subject id */
  sessionProjects?(subjects: Row[], ctx: RequestContext): Promise<Map<string, string[]>>;
  /**
   * Runs inside the write transaction after a subject is created or updated through REST
   * (`previous` is null on create): notifications, closing restrictions, ...
   */
  afterSubjectWrite?(subject: Row, previous: Row | null, ctx: RequestContext): Promise<void>;
}

let provider: SubjectActionsProvider = {};

/** Installs an app's `extends.subjects` (src/apps/index.ts); a later call replaces the hooks it names. */
export function extendSubjects(p: SubjectActionsProvider): void {
  provider = { ...provider, ...p };
}

export function subjectActions(): SubjectActionsProvider {
  return provider;
}

export const NO_WATER_INFO: SubjectWaterInfo = {
  reference_weight: 0,
  last_water_restriction: null,
  expected_water: 0,
  remaining_water: 0,
};

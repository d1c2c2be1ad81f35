import type { AlyxApp } from './app.ts';
import { extendSessions } from './actions/extensions.ts';
import { extendSubjects } from './subjects/extensions.ts';
import { extendDatasets } from './data/extensions.ts';
import misc from './misc/index.ts';
import subjects from './subjects/index.ts';
import actions from './actions/index.ts';
import data from './data/index.ts';
import experiments from './experiments/index.ts';
import jobs from './jobs/index.ts';
import audit from './audit/index.ts';
import ops from '../ops/index.ts';

/** In dependency order: seeds run in this order too. */
export const apps: AlyxApp[] = [misc, subjects, actions, data, experiments, jobs, audit, ops];

// Each app's `extends` is installed here, once, before any request: the only place cross-app hooks
// are wired (no import side effects).
for (const app of apps) {
  if (app.extends?.subjects) extendSubjects(app.extends.subjects);
  if (app.extends?.sessions) extendSessions(app.extends.sessions);
  if (app.extends?.datasets) extendDatasets(app.extends.datasets);
}

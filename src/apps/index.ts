import type { AlyxApp } from './app.ts';
import misc from './misc/index.ts';
import subjects from './subjects/index.ts';
import actions from './actions/index.ts';
import data from './data/index.ts';
import experiments from './experiments/index.ts';
import jobs from './jobs/index.ts';
import ops from '../ops/index.ts';

/** In dependency order: seeds run in this order too. */
export const apps: AlyxApp[] = [misc, subjects, actions, data, experiments, jobs, ops];

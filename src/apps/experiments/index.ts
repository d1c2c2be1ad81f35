import type { AlyxApp } from '../app.ts';
import { experimentsResources } from './resources.ts';
import { seedExperiments } from './seed.ts';
import './session-hooks.ts';

const app: AlyxApp = {
  name: 'experiments',
  resources: experimentsResources,
  seed: seedExperiments,
};
export default app;

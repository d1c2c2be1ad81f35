import type { AlyxApp } from '../app.ts';
import { experimentsResources } from './resources.ts';
import { experimentsSeedContent, seedExperiments } from './seed.ts';
import './session-hooks.ts';

const app: AlyxApp = {
  name: 'experiments',
  resources: experimentsResources,
  seed: seedExperiments,
  seedContent: experimentsSeedContent,
};
export default app;

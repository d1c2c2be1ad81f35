import type { AlyxApp } from '../app.ts';
import { experimentsResources } from './resources.ts';
import { experimentsSeedContent, seedExperiments } from './seed.ts';
import { experimentsSessionExtensions } from './session-hooks.ts';

const app: AlyxApp = {
  name: 'experiments',
  extends: { sessions: experimentsSessionExtensions },
  resources: experimentsResources,
  seed: seedExperiments,
  seedContent: experimentsSeedContent,
};
export default app;

import type { AlyxApp } from '../app.ts';
import { experimentsResources } from './resources.ts';
import { experimentsSeedContent, seedExperiments } from './seed.ts';
import { experimentsSessionExtensions } from './session-hooks.ts';
import { linkSavedDatasets } from './dataset-links.ts';

const app: AlyxApp = {
  name: 'experiments',
  extends: { sessions: experimentsSessionExtensions, datasets: { saved: linkSavedDatasets } },
  resources: experimentsResources,
  seed: seedExperiments,
  seedContent: experimentsSeedContent,
};
export default app;

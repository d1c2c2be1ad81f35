import type { AlyxApp } from '../app.ts';
import { labs } from './tables.ts';
import { labResource, userResource } from './resources.ts';
import { noteResource, uploadedRoutes } from './notes.ts';
import { miscReferenceResources } from './reference.ts';

const app: AlyxApp = {
  name: 'misc',
  resources: [labResource, userResource, noteResource, ...miscReferenceResources],
  routes: uploadedRoutes,
  async seed({ db, config }) {
    // the lab named by ALYX_LAB, created on first start
    await db.insert(labs).values({ name: config.labName, timezone: config.timeZone }).onConflictDoNothing();
  },
  seedContent: ({ config }) => [config.labName, config.timeZone],
};
export default app;

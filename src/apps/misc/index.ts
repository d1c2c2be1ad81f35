import type { AlyxApp } from '../../rest/app.ts';
import { labs } from './tables.ts';
import { labResource, userResource } from './resources.ts';

const app: AlyxApp = {
  name: 'misc',
  resources: [labResource, userResource],
  async seed({ db, config }) {
    // the lab named by ALYX_LAB, created on first start
    await db.insert(labs).values({ name: config.labName, timezone: config.timeZone }).onConflictDoNothing();
  },
};
export default app;

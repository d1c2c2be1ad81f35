import type { AlyxApp } from '../app.ts';
import { projectResource, subjectResource } from './resources.ts';
import { referenceResources } from './reference.ts';
import { seedHousing, seedSubjects } from './seed.ts';

const app: AlyxApp = {
  name: 'subjects',
  resources: [projectResource, subjectResource, ...referenceResources],
  async seed(services) {
    await seedHousing(services);
    await seedSubjects(services);
  },
};
export default app;

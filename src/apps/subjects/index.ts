import type { AlyxApp } from '../app.ts';
import { projectResource, subjectResource } from './resources.ts';
import { referenceResources } from './reference.ts';
import { seedHousing, seedSubjects, subjectsSeedContent } from './seed.ts';

const app: AlyxApp = {
  name: 'subjects',
  resources: [projectResource, subjectResource, ...referenceResources],
  async seed(services) {
    await seedHousing(services);
    await seedSubjects(services);
  },
  seedContent: subjectsSeedContent,
};
export default app;

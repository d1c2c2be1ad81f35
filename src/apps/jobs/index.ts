import type { AlyxApp } from '../../rest/app.ts';
import { taskResource } from './resources.ts';
import { jobsRoutes } from './routes.ts';

const app: AlyxApp = { name: 'jobs', resources: [taskResource], routes: jobsRoutes };
export default app;

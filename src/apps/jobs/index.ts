import type { AlyxApp } from '../app.ts';
import { taskResource } from './resources.ts';
import { jobsRoutes } from './routes.ts';
import { dispatchWaitingTasks } from './dispatch.ts';

const app: AlyxApp = {
  name: 'jobs',
  resources: [taskResource],
  routes: jobsRoutes,
  jobs: [
    {
      // sends new Waiting tasks to the Celery queue; does nothing without ALYX_RABBITMQ_URL
      name: 'task dispatch',
      everySeconds: 5,
      enabledByDefault: true,
      run: async (services) => void (await dispatchWaitingTasks(services)),
    },
  ],
};
export default app;

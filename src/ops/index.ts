// Operations as an app: the scheduled backups and the local control channel of `alyx backup`.
// No REST resources of its own (the scheduler's table is in src/db/tables.ts).
import type { AlyxApp } from '../apps/app.ts';
import { registerControl } from './control.ts';
import { backupJob, plannerStatisticsJob } from './scheduled.ts';

const ops: AlyxApp = {
  name: 'ops',
  resources: [],
  routes: registerControl,
  jobs: [backupJob, plannerStatisticsJob],
};
export default ops;

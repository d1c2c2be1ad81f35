// Operations as an app: the scheduled backups and the local control channel of `alyx backup`.
// No tables or REST resources of its own.
import type { AlyxApp } from '../apps/app.ts';
import { registerControl } from './control.ts';
import { backupJob } from './scheduled.ts';

const ops: AlyxApp = {
  name: 'ops',
  resources: [],
  routes: registerControl,
  jobs: [backupJob],
};
export default ops;

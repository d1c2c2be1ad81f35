// The audit trail as an app: its table (tables.ts), the recording helpers every write uses
// (record.ts), the append-only guard (guard.ts), GET /history and `alyx history`.
import type { AlyxApp } from '../app.ts';
import { historyRoutes } from './routes.ts';

const audit: AlyxApp = {
  name: 'audit',
  resources: [],
  routes: historyRoutes,
};
export default audit;

import type { AlyxApp } from '../../rest/app.ts';

const app: AlyxApp = { name: 'jobs', resources: [] };
export default app;

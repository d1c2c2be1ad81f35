import type { AlyxApp } from '../../rest/app.ts';

const app: AlyxApp = { name: 'experiments', resources: [] };
export default app;

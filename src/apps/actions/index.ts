import type { AlyxApp } from '../../rest/app.ts';

const app: AlyxApp = { name: 'actions', resources: [] };
export default app;

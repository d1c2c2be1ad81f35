import type { AlyxApp } from '../../rest/app.ts';

const app: AlyxApp = { name: 'data', resources: [] };
export default app;

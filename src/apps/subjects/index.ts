import type { AlyxApp } from '../../rest/app.ts';

const app: AlyxApp = { name: 'subjects', resources: [] };
export default app;

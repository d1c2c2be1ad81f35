import type { AlyxApp } from '../../rest/app.ts';

const app: AlyxApp = { name: 'misc', resources: [] };
export default app;

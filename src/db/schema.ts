// Every app's tables, in dependency order (an app only references tables of apps above it).
// drizzle-kit reads this file to generate migrations.
export * from '../apps/misc/tables.ts';
export * from '../apps/subjects/tables.ts';
export * from '../apps/actions/tables.ts';
export * from '../apps/data/tables.ts';
export * from '../apps/experiments/tables.ts';
export * from '../apps/jobs/tables.ts';
export * from '../apps/audit/tables.ts';
export * from './tables.ts';

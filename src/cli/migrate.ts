import { command } from './args.ts';
import { withServices } from './context.ts';
import { repairDerivedTables } from '../db/derived.ts';

export const migrateCommand = command({
  name: 'migrate',
  describe: 'apply pending database migrations and seed reference data, recount derived tables that differ, then exit',
  async run() {
    await withServices(async (s) => {
      for (const name of await repairDerivedTables(s.db)) console.log(`${name} differed from its sources: recounted`);
      console.log(`database migrated and seeded (${s.handle.driver})`);
    });
  },
});

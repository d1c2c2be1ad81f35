import { command } from './args.ts';
import { withServices } from './context.ts';

export const migrateCommand = command({
  name: 'migrate',
  describe: 'apply pending database migrations and seed reference data, then exit',
  async run() {
    await withServices(async (s) => {
      console.log(`database migrated and seeded (${s.handle.driver})`);
    });
  },
});

import type { Command } from './index.ts';
import { withServices } from './context.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  describe: 'apply pending database migrations and seed reference data, then exit',
  async run() {
    await withServices(async (s) => {
      console.log(`database migrated and seeded (${s.handle.driver})`);
    });
  },
};

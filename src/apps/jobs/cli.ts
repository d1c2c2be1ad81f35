// Command-line entries of the jobs app; the `alyx` binary wires them as `alyx <name> ...`.
import type { AppCliCommand } from '../app.ts';
import { CleanupUsageError, cleanupTasks, parseCleanupArgs } from './cleanup.ts';

export const cli: AppCliCommand[] = [
  {
    name: 'tasks',
    describe:
      'tasks cleanup [--before YYYY-MM-DD] [--status <code|label|~label>] [--limit N] [--signed-off] [--dry]: ' +
      'delete processing tasks last updated on or before a date (default today)',
    async run(services, args, out = (line) => process.stdout.write(line + '\n')) {
      let opts;
      try {
        opts = parseCleanupArgs(args, services.config.timeZone);
      } catch (e) {
        if (e instanceof CleanupUsageError) {
          out(`error: ${e.message}`);
          return 2;
        }
        throw e;
      }
      const result = await cleanupTasks(services.db, opts);
      out(`Found ${result.found} tasks to delete`);
      if (!opts.dry) out(`Tasks deleted`);
      return 0;
    },
  },
];

// Command-line entries of the jobs app; the `alyx` binary wires them as `alyx <name> ...`.
import type { AppCliCommand } from '../app.ts';
import { appCommand } from '../../cli/args.ts';
import { cleanupArgs, cleanupOptionsOf, cleanupTasks } from './cleanup.ts';

export const cli: AppCliCommand[] = [
  appCommand({
    name: 'tasks',
    describe: 'tasks cleanup: delete processing tasks last updated on or before a date (default today)',
    ...cleanupArgs,
    async action(services, args, out) {
      const opts = cleanupOptionsOf(args, services.config.timeZone);
      const result = await cleanupTasks(services.db, opts);
      out(`Found ${result.found} tasks to delete`);
      if (!opts.dry) out(`Tasks deleted`);
    },
  }),
];

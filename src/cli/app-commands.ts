// Commands contributed by apps: each app keeps its command logic in its own folder and exports
// `cli` entries ({ name, describe, run(services, args) → exit code }); here they become `alyx`
// subcommands that open the database (refusing while a server owns the embedded data dir).
import { cli as jobsCli } from '../apps/jobs/cli.ts';
import { cli as subjectsCli } from '../apps/subjects/zygosity-update.ts';
import type { AppCliCommand } from '../apps/app.ts';
import { cli as dataCli } from '../apps/data/cli.ts';
import { cli as actionsCli } from '../apps/actions/cli.ts';
import { withServices } from './context.ts';
import type { Command } from './index.ts';

function wrap(c: AppCliCommand): Command {
  return {
    name: c.name,
    describe: c.describe,
    async run(args) {
      const code = await withServices((services) => c.run(services, args));
      if (code) process.exitCode = code;
    },
  };
}

export const appCommands: Command[] = [...actionsCli, ...dataCli, ...jobsCli, ...subjectsCli].map(wrap);

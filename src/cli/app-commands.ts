// Commands contributed by apps: each app keeps its command logic in its own folder and exports
// `cli` entries (declaration + action, src/apps/app.ts); here they become `alyx` subcommands whose
// action runs with the database open (refused while a server owns the embedded data dir).
import { cli as jobsCli } from '../apps/jobs/cli.ts';
import { cli as subjectsCli } from '../apps/subjects/zygosity-update.ts';
import type { AppCliCommand } from '../apps/app.ts';
import { cli as dataCli } from '../apps/data/cli.ts';
import { cli as actionsCli } from '../apps/actions/cli.ts';
import { cli as auditCli } from '../apps/audit/cli.ts';
import { withServices } from './context.ts';
import type { Command } from './args.ts';

function wrap(c: AppCliCommand): Command {
  const { name, describe, options, positionals } = c;
  return {
    name,
    describe,
    options,
    positionals,
    run: (args) => withServices((services) => c.action(services, args, (line) => console.log(line))),
  };
}

export const appCommands: Command[] = [...actionsCli, ...auditCli, ...dataCli, ...jobsCli, ...subjectsCli].map(wrap);

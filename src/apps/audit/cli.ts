// `alyx history`: the audit trail on the command line, newest first.
import type { AppCliCommand } from '../app.ts';
import { appCommand } from '../../cli/args.ts';
import { CliError } from '../../cli/args.ts';
import { ApiError } from '../../rest/errors.ts';
import { historyPage, historyWhere, type HistoryEntry } from './history.ts';

const CHANGES_MAX = 200;

/** One line per entry: when, who (channel), what, the object, its changes (shortened). */
export function historyLine(e: HistoryEntry): string {
  const changes = JSON.stringify(e.changes);
  const short = changes.length > CHANGES_MAX ? `${changes.slice(0, CHANGES_MAX - 1)}…` : changes;
  return `${e.datetime}  ${e.user || '-'} (${e.channel})  ${e.action} ${e.model} ${e.repr}${e.object_id && e.object_id !== e.repr ? ` [${e.object_id}]` : ''}  ${short}`;
}

export const cli: AppCliCommand[] = [
  appCommand({
    name: 'history',
    describe: 'history: the audit trail of changes, newest first',
    options: {
      object: { type: 'string', value: 'UUID', describe: 'changes of this object' },
      user: { type: 'string', value: 'USERNAME', describe: 'changes made by this user' },
      since: { type: 'string', value: 'DATE', describe: 'changes at or after this date or datetime (lab time zone)' },
      model: { type: 'string', value: 'MODEL', describe: 'changes of this model ("subject", "data.dataset")' },
      limit: { type: 'integer', value: 'N', default: 50, describe: 'at most N entries' },
    },
    async action(services, args, out) {
      const { object, user, since, model, limit } = args.values;
      let where;
      try {
        where = historyWhere({ object, user, since, model }, services.config.timeZone);
      } catch (e) {
        if (e instanceof ApiError) throw new CliError(Object.entries(e.body).map(([k, v]) => `--${k}: ${([] as unknown[]).concat(v).join(' ')}`).join('; '));
        throw e;
      }
      const page = await historyPage(services.db, where, limit, 0);
      for (const e of page.results) out(historyLine(e));
      if (page.count > page.results.length) out(`(${page.results.length} of ${page.count} entries; --limit to see more)`);
      else if (!page.count) out('no changes recorded');
    },
  }),
];

// Commands of the data app, wired by src/cli/app-commands.ts:
//   alyx files check [--repository NAME] [--dry]   set file records' `exists` from the directories
//   alyx cache build [--tag TAG] [--destination DIR] build the ONE cache tables
import type { AppCliCommand } from '../app.ts';
import { parseArgs, progress } from '../../cli/args.ts';
import { buildCacheTables, cacheDir } from './cache-tables.ts';
import { checkFiles } from './file-check.ts';
import { tablesRoot } from './routes.ts';

/** progress callback (done, total) drawing the shared progress bar */
function bar(label: string) {
  let p: ReturnType<typeof progress> | null = null;
  return (done: number, total: number) => {
    p ??= progress(label, total);
    p.tick(done);
    if (done >= total) p.done();
  };
}

export const filesCheckCommand: AppCliCommand = {
  name: 'files check',
  describe: 'mark file records exists=true/false by looking at the repository directories (--repository NAME, --dry)',
  async run(services, argv) {
    const args = parseArgs(argv, ['dry']);
    const repository = typeof args.flags.repository === 'string' ? args.flags.repository : undefined;
    const r = await services.db.transaction((tx) =>
      checkFiles(tx, services.config, { repository, dry: args.flags.dry === true, onProgress: bar('checking files') }),
    );
    if (!r.repositories.length) {
      console.log('No repository has a directory in the configuration ("repositories": {"<name>": "/path"}); nothing to check.');
      return;
    }
    console.log(
      `${args.flags.dry === true ? '[dry run] ' : ''}${r.checked} file records in ${r.repositories.join(', ')}: ${r.present} present, ${r.missing} missing, ${r.changed} changed`,
    );
  },
};

export const cacheBuildCommand: AppCliCommand = {
  name: 'cache build',
  describe: 'build the ONE cache tables (sessions.pqt, datasets.pqt, cache_info.json, cache.zip) (--tag TAG, --destination DIR)',
  async run(services, argv) {
    const args = parseArgs(argv);
    const tag = typeof args.flags.tag === 'string' ? args.flags.tag : null;
    const dest = typeof args.flags.destination === 'string' ? args.flags.destination : cacheDir(tablesRoot(services), tag);
    const info = await buildCacheTables(services.db, {
      destination: dest,
      origin: services.config.labName,
      timeZone: services.config.timeZone,
      tags: tag ? [tag] : undefined,
    });
    console.log(`cache tables in ${dest}: ${info.tables.sessions.nrecs} sessions, ${info.tables.datasets.nrecs} datasets (${info.date_created})`);
  },
};

export const cli: AppCliCommand[] = [filesCheckCommand, cacheBuildCommand];

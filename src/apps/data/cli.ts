// Commands of the data app, wired by src/cli/app-commands.ts:
//   alyx files check [--repository NAME] [--dry]   set file records' `exists` from the directories
//   alyx cache build [--tag TAG] [--destination DIR] build the ONE cache tables
import type { AppCliCommand } from '../app.ts';
import { appCommand, CliError, progress } from '../../cli/args.ts';
import { buildCacheTables, cacheDir } from './cache-tables.ts';
import { checkFiles, FileCheckError } from './file-check.ts';
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

export const filesCheckCommand = appCommand({
  name: 'files check',
  describe: 'mark file records exists=true/false by looking at the repository directories',
  options: {
    repository: { type: 'string', value: 'NAME', describe: 'only this repository (default: every repository with a directory)' },
    dry: { type: 'boolean', describe: 'report, change nothing' },
  },
  async action(services, { values: { repository, dry } }) {
    let r;
    try {
      r = await services.db.transaction((tx) => checkFiles(tx, services.config, { repository, dry, onProgress: bar('checking files') }));
    } catch (e) {
      if (e instanceof FileCheckError) throw new CliError(e.message);
      throw e;
    }
    if (!r.repositories.length) {
      console.log('No repository has a directory in the configuration ("repositories": {"<name>": "/path"}); nothing to check.');
      return;
    }
    console.log(`${dry ? '[dry run] ' : ''}${r.checked} file records in ${r.repositories.join(', ')}: ${r.present} present, ${r.missing} missing, ${r.changed} changed`);
  },
});

export const cacheBuildCommand = appCommand({
  name: 'cache build',
  describe: 'build the ONE cache tables (sessions.pqt, datasets.pqt, cache_info.json, cache.zip)',
  options: {
    tag: { type: 'string', describe: 'only datasets with this tag' },
    destination: { type: 'string', value: 'DIR', describe: 'where to write them (default: the served cache directory)' },
  },
  async action(services, { values: { tag, destination } }) {
    const dest = destination ?? cacheDir(tablesRoot(services), tag ?? null);
    const info = await buildCacheTables(services.db, {
      destination: dest,
      origin: services.config.labName,
      timeZone: services.config.timeZone,
      tags: tag ? [tag] : undefined,
    });
    console.log(`cache tables in ${dest}: ${info.tables.sessions.nrecs} sessions, ${info.tables.datasets.nrecs} datasets (${info.date_created})`);
  },
});

export const cli: AppCliCommand[] = [filesCheckCommand, cacheBuildCommand];

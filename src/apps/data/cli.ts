// Commands of the data app, wired by src/cli/app-commands.ts:
//   alyx files check [--repository NAME] [--dry|--dry-run]   set file records' `exists` from the directories
//   alyx cache build [--tag TAG] [--destination DIR] build the ONE cache tables
//   alyx files scan [--repository R] [--dry-run] [--since DATE]  register new files found on the shares
import type { AppCliCommand } from '../app.ts';
import { appCommand, CliError, progress } from '../../cli/args.ts';
import { buildCacheTables, cacheDir } from './cache-tables.ts';
import { checkFiles, FileCheckError } from './file-check.ts';
import { tablesRoot } from './routes.ts';
import { scanRepositories, ScanError, type ScanSummary } from './scan/scanner.ts';

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
    'dry-run': { type: 'boolean', describe: 'the same as --dry (as `files scan`)' },
  },
  async action(services, { values }) {
    const { repository } = values;
    const dry = values.dry || values['dry-run'];
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

/** The scan summary, a few lines. */
export function scanReport(r: ScanSummary, dry: boolean): string[] {
  const issues = Object.entries(r.issues).sort(([a], [b]) => (a < b ? -1 : 1));
  return [
    `${dry ? '[dry run] ' : ''}scanned ${r.repositories.join(', ')} in ${r.seconds.toFixed(1)} s: ` +
      `${r.sessionsRead} sessions read (${r.sessionsUnchanged} unchanged, ${r.sessionsCreated} created), ${r.filesSeen} files seen`,
    `registered ${r.filesRegistered} files; ${r.recordsAdded} records added to protected datasets; ` +
      `exists set true on ${r.existsSetTrue}, false on ${r.existsSetFalse}`,
    issues.length
      ? `issues: ${issues.map(([k, n]) => `${k} ${n}`).join(', ')} (GET /ingest/issues)`
      : 'issues: none',
    ...(r.cacheRebuilt ? ['ONE cache tables rebuilt'] : []),
  ];
}

export const filesScanCommand = appCommand({
  name: 'files scan',
  describe: 'register the files found in the repository directories that have no file record yet (ALF layout)',
  options: {
    repository: { type: 'string', value: 'NAME', describe: 'only this repository (default: every repository with a directory)' },
    'dry-run': { type: 'boolean', describe: 'scan and report, change nothing' },
    since: { type: 'string', value: 'DATE', describe: 're-read folders modified on or after DATE (YYYY-MM-DD), whatever the last scan remembered' },
  },
  async action(services, { values }, out) {
    const dry = values['dry-run'];
    const tty = process.stderr.isTTY;
    let last = 0;
    let r;
    try {
      r = await scanRepositories(services, {
        channel: 'cli',
        repository: values.repository,
        dryRun: dry,
        since: values.since ?? null,
        onProgress: ({ repository, sessions, files }) => {
          if (!tty || Date.now() - last < 200) return;
          last = Date.now();
          process.stderr.write(`\rscanning ${repository}: ${sessions} sessions, ${files} files`);
        },
      });
    } catch (e) {
      if (e instanceof ScanError) throw new CliError(e.message);
      throw e;
    } finally {
      if (tty && last) process.stderr.write('\n');
    }
    if (!r.repositories.length) {
      out('No repository has a directory in the configuration ("repositories": {"<name>": "/path"}); nothing to scan.');
      return;
    }
    for (const line of scanReport(r, dry)) out(line);
  },
});

export const cli: AppCliCommand[] = [filesCheckCommand, filesScanCommand, cacheBuildCommand];

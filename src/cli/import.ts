// `alyx import DUMP.json[.gz]`: loads an upstream Alyx `manage.py dumpdata` export, streamed;
// `alyx import postgres://...`: reads a live upstream Alyx database the same way.
import { sql } from 'drizzle-orm';
import { checkDumpFile, DumpFormatError, streamDumpFile } from '../db/import/read.ts';
import { dbErrorMessage, ImportError, importDump, type ImportOptions, type ImportReport } from '../db/import/importer.ts';
import type { Services } from '../services.ts';
import { isDatabaseUrl, openUpstream, redactUrl, UpstreamError, type UpstreamSource } from '../db/import/upstream.ts';
import { CliError, command, progress } from './args.ts';
import { sealDumpTokens } from '../rest/auth.ts';
import { withServices } from './context.ts';

export function formatReport(report: ImportReport): string {
  const lines: string[] = [];
  const models = Object.entries(report.models);
  const w = Math.max(5, ...models.map(([m]) => m.length));
  lines.push(`${'model'.padEnd(w)}  ${'rows'.padStart(7)}  ${'new'.padStart(7)}  ${report.replace ? 'overwritten' : 'existing (skipped)'}  matched by unique key`);
  for (const [m, c] of models) {
    lines.push(`${m.padEnd(w)}  ${String(c.rows).padStart(7)}  ${String(c.inserted).padStart(7)}  ${String(c.existing).padStart(report.replace ? 11 : 18)}  ${c.matched}`);
  }
  const links = Object.entries(report.links);
  if (links.length) lines.push(`many-to-many links written: ${links.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const skipped = Object.entries(report.skippedModels);
  if (skipped.length) {
    lines.push(`skipped models (${skipped.reduce((n, [, s]) => n + s.rows, 0)} rows):`);
    for (const [m, s] of skipped) lines.push(`  ${m}: ${s.rows} rows (${s.reason})`);
  }
  const ignored = Object.entries(report.ignoredFields);
  if (ignored.length) lines.push(`ignored fields (no column here): ${ignored.map(([k, n]) => `${k} (${n} rows)`).join(', ')}`);
  return lines.join('\n');
}

/**
 * Imports a dump file (streamed) or a live upstream database (opened by `openUpstream`) with the
 * same importer and report. Upstream tokens are sealed on the way (digest + sealed token, as ours).
 */
export async function importSource(
  services: Pick<Services, 'db' | 'config'>,
  source: string | UpstreamSource,
  opts: Omit<ImportOptions, 'source'> = {},
): Promise<ImportReport> {
  const rows = typeof source === 'string' ? streamDumpFile(source) : source.rows();
  async function* sealed() {
    for await (const row of rows) yield sealDumpTokens(services.config, [row])[0];
  }
  const report = await importDump(services.db, sealed(), { ...opts, source: typeof source === 'string' ? source : source.name });
  if (typeof source !== 'string') Object.assign(report.skippedModels, source.skipped);
  return report;
}

export const importCommand = command({
  name: 'import',
  describe:
    'load a "manage.py dumpdata" export of an upstream Alyx, or read a live upstream database (postgres://user@host:5432/alyx); one transaction; existing pks are skipped, or overwritten with --replace',
  options: {
    replace: { type: 'boolean', describe: 'overwrite rows whose pk already exists' },
    'dry-run': { type: 'boolean', describe: 'import, report, then roll back' },
  },
  positionals: [{ name: 'DUMP.json[.gz]' }],
  async run({ values, positionals: [source] }) {
    const fromDb = isDatabaseUrl(source);
    const name = fromDb ? redactUrl(source) : source;
    if (!fromDb) {
      try {
        checkDumpFile(source);
      } catch (e) {
        if (e instanceof DumpFormatError) throw new CliError(e.message);
        throw e;
      }
    }
    // the upstream database is checked before ours is opened: a bad URL costs no start-up
    let upstream: UpstreamSource | null = null;
    if (fromDb) {
      try {
        upstream = await openUpstream(source);
      } catch (e) {
        if (e instanceof UpstreamError) throw new CliError(e.message);
        throw e;
      }
    }
    try {
      await withServices(async ({ db, config }) => {
        let bar: ReturnType<typeof progress> | null = null;
        const tty = process.stderr.isTTY;
        try {
          const report = await importSource({ db, config }, upstream ?? source, {
            replace: values.replace,
            dryRun: values['dry-run'],
            onRead: (n) => tty && process.stderr.write(`\rreading ${name}: ${n} rows`),
            onProgress: (d, total) => {
              if (!bar) {
                if (tty) process.stderr.write('\n');
                bar = progress('importing', total);
              }
              bar.tick(d);
            },
          });
          (bar as ReturnType<typeof progress> | null)?.done();
          console.log(formatReport(report));
          const inserted = Object.values(report.models).reduce((n, c) => n + c.inserted, 0);
          if (report.dryRun) console.log(`dry run: ${inserted} new rows would be imported from ${name}; nothing was written`);
          else {
            console.log(`imported ${inserted} new rows from ${name}`);
            // fresh planner statistics: PGlite has no autovacuum, and the tables just grew
            await db.execute(sql`analyze`);
          }
        } catch (e) {
          (bar as ReturnType<typeof progress> | null)?.done();
          if (e instanceof ImportError) throw new CliError(`nothing was imported (the whole import is rolled back): ${e.message}`);
          if (e instanceof DumpFormatError) throw new CliError(`nothing was imported: ${e.message.startsWith(source) ? e.message : `${source}: ${e.message}`}`);
          if (upstream) throw new CliError(`nothing was imported: reading ${name} failed: ${dbErrorMessage(e)}`);
          throw e;
        }
      });
    } finally {
      await upstream?.close().catch(() => {});
    }
  },
});

// `alyx import DUMP.json[.gz]`: loads an upstream Alyx `manage.py dumpdata` export.
import { sql } from 'drizzle-orm';
import { DumpFormatError, readDumpFile, type DumpRow } from '../db/import/read.ts';
import { ImportError, importDump, type ImportReport } from '../db/import/importer.ts';
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

export const importCommand = command({
  name: 'import',
  describe: 'load a "manage.py dumpdata" export of an upstream Alyx (one transaction; existing pks are skipped, or overwritten with --replace)',
  options: {
    replace: { type: 'boolean', describe: 'overwrite rows whose pk already exists' },
    'dry-run': { type: 'boolean', describe: 'import, report, then roll back' },
  },
  positionals: [{ name: 'DUMP.json[.gz]' }],
  async run({ values, positionals: [file] }) {
    let dump: DumpRow[];
    try {
      dump = await readDumpFile(file);
    } catch (e) {
      if (e instanceof DumpFormatError) throw new CliError(e.message.startsWith(file) ? e.message : `${file}: ${e.message}`);
      throw e;
    }
    await withServices(async ({ db, config }) => {
      // upstream tokens are stored as digest + sealed token, like ours (they keep working)
      dump = sealDumpTokens(config, dump);
      const bar = progress('importing', dump.length);
      try {
        const report = await importDump(db, dump, { source: file, replace: values.replace, dryRun: values['dry-run'], onProgress: (d) => bar.tick(d) });
        bar.done();
        console.log(formatReport(report));
        const inserted = Object.values(report.models).reduce((n, c) => n + c.inserted, 0);
        if (report.dryRun) console.log(`dry run: ${inserted} new rows would be imported from ${file}; nothing was written`);
        else {
          console.log(`imported ${inserted} new rows from ${file}`);
          // fresh planner statistics: PGlite has no autovacuum, and the tables just grew
          await db.execute(sql`analyze`);
        }
      } catch (e) {
        bar.done();
        if (e instanceof ImportError) throw new CliError(`nothing was imported (the whole import is rolled back): ${e.message}`);
        throw e;
      }
    });
  },
});

// `alyx files check`: marks file records `exists` true/false by looking for their relative_path
// in the directory that backs their repository (config `repositories`: name → directory).
// The repository directory is read once with the scanner's walk (scan/walker.ts) in an existence-only
// mode: a full walk (no remembered folder states), every subject folder descended, nothing registered
// and none of the scanner's bookkeeping (folder states, ingest issues) read or written. A record whose
// file the walk saw is present; any other record (a vanished session folder, a path outside the ALF
// layout, a hidden file, a link the walk does not follow) is looked up with a stat, as before.
// A missing repository directory (unmounted share), or an empty one while records say their files
// are there, is refused rather than marking every record missing.
// Records are read in keyset batches and updated with one statement per batch and value.
import fs from 'node:fs';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { Config } from '../../config.ts';
import { safeJoin } from './serve-files.ts';
import { dataRepositories, fileRecords } from './tables.ts';
import { missingRootMessage, Walker } from './scan/walker.ts';

/** Every file path (relative to the repository directory) the scanner's walk sees in session folders. */
async function walkedFiles(dir: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const walker = new Walker(dir, { states: new Map(), knownSubject: () => true, existenceOnly: true });
  for await (const unit of walker.walk()) {
    if (unit.kind === 'session') for (const f of unit.files) seen.add(f.path);
  }
  return seen;
}

/** The guard against an unmounted share: refuse a missing directory, or an empty one while records say their files are there. */
async function assertMounted(db: Queryable, repo: { id: string; name: string }, dir: string): Promise<void> {
  const missing = await missingRootMessage(repo.name, dir);
  if (missing) throw new FileCheckError(`${missing} (not mounted?): nothing checked, no record changed`);
  if (fs.readdirSync(dir).length) return;
  const [present] = await db
    .select({ id: fileRecords.id })
    .from(fileRecords)
    .where(and(eq(fileRecords.data_repository, repo.id), eq(fileRecords.exists, true)))
    .limit(1);
  if (present) throw new FileCheckError(`repository ${repo.name}: directory ${dir} is empty while file records say their files are there (not mounted?): nothing checked, no record changed`);
}

export interface FileCheckResult {
  repositories: string[];
  checked: number;
  present: number;
  missing: number;
  /** records whose flag changed */
  changed: number;
}

export interface FileCheckOptions {
  /** only this repository (must be configured) */
  repository?: string;
  batchSize?: number;
  /** dry run: count, change nothing */
  dry?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export class FileCheckError extends Error {}

export async function checkFiles(db: Queryable, config: Pick<Config, 'repositoryDirs'>, opts: FileCheckOptions = {}): Promise<FileCheckResult> {
  let names = Object.keys(config.repositoryDirs);
  if (opts.repository) {
    if (!names.includes(opts.repository)) {
      throw new FileCheckError(`repository ${opts.repository} has no directory in the configuration ("repositories": {"${opts.repository}": "/path"})`);
    }
    names = [opts.repository];
  }
  const result: FileCheckResult = { repositories: [], checked: 0, present: 0, missing: 0, changed: 0 };
  if (!names.length) return result;
  const repos = await db.select({ id: dataRepositories.id, name: dataRepositories.name }).from(dataRepositories).where(inArray(dataRepositories.name, names));
  result.repositories = repos.map((r) => r.name).sort();
  const batch = opts.batchSize ?? 5000;
  const [{ total }] = await db
    .select({ total: sql<number>`count(*)::int` })
    .from(fileRecords)
    .where(inArray(fileRecords.data_repository, repos.map((r) => r.id).concat(['00000000-0000-0000-0000-000000000000'])));
  // every repository is looked at before any record changes: one unmounted share changes nothing
  for (const repo of repos) await assertMounted(db, repo, config.repositoryDirs[repo.name]);
  for (const repo of repos) {
    const dir = config.repositoryDirs[repo.name];
    const seen = await walkedFiles(dir);
    let after: string | null = null;
    for (;;) {
      const rows: Array<{ id: string; path: string; exists: boolean }> = await db
        .select({ id: fileRecords.id, path: fileRecords.relative_path, exists: fileRecords.exists })
        .from(fileRecords)
        .where(and(eq(fileRecords.data_repository, repo.id), after ? gt(fileRecords.id, after) : undefined))
        .orderBy(asc(fileRecords.id))
        .limit(batch);
      if (!rows.length) break;
      const nowPresent: string[] = [];
      const nowMissing: string[] = [];
      for (const r of rows) {
        const file = seen.has(r.path) ? null : safeJoin(dir, r.path);
        let present = seen.has(r.path);
        if (file) {
          try {
            present = fs.statSync(file).isFile();
          } catch {
            present = false;
          }
        }
        if (present) result.present++;
        else result.missing++;
        if (present !== r.exists) (present ? nowPresent : nowMissing).push(r.id);
      }
      result.checked += rows.length;
      result.changed += nowPresent.length + nowMissing.length;
      if (!opts.dry) {
        if (nowPresent.length) await db.update(fileRecords).set({ exists: true }).where(inArray(fileRecords.id, nowPresent));
        if (nowMissing.length) await db.update(fileRecords).set({ exists: false }).where(inArray(fileRecords.id, nowMissing));
      }
      opts.onProgress?.(result.checked, Number(total));
      after = rows[rows.length - 1].id;
      if (rows.length < batch) break;
    }
  }
  return result;
}

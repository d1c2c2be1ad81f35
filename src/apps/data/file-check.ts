// `alyx files check`: marks file records `exists` true/false by looking for their relative_path
// in the directory that backs their repository (config `repositories`: name → directory).
// Records are read in keyset batches and updated with one statement per batch and value.
import fs from 'node:fs';
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { Config } from '../../config.ts';
import { safeJoin } from './serve-files.ts';
import { dataRepositories, fileRecords } from './tables.ts';

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
  for (const repo of repos) {
    const dir = config.repositoryDirs[repo.name];
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
        const file = safeJoin(dir, r.path);
        let present = false;
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

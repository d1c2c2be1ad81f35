// A migrated, empty embedded database made once per install (by the build, scripts/build-server.mjs):
// the first start on an empty data directory copies it (well under a second) instead of running
// PGlite's initdb and every migration (5-10 s). It is used only while it matches the PGlite version
// and the migrations it was made with; otherwise a first start creates the database as before.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PACKAGE_ROOT } from '../paths.ts';
import { MIGRATIONS_DIR, migrateDatabase, openDatabase } from './client.ts';

export const TEMPLATE_DIR = path.join(PACKAGE_ROOT, 'dist', 'pglite-template');
const KEY_FILE = 'template.json';

function pgliteVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite') return String(pkg.version);
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/** What a template holds: the PGlite version and the migrations applied (their SQL and journal). */
export function templateKey(migrationsDir = MIGRATIONS_DIR): string {
  const hash = crypto.createHash('sha256').update(pgliteVersion());
  const files = fs.readdirSync(migrationsDir).filter((f) => f.endsWith('.sql'));
  for (const f of [...files.sort(), path.join('meta', '_journal.json')]) {
    hash.update(`\0${f}\0`).update(fs.readFileSync(path.join(migrationsDir, f)));
  }
  return hash.digest('hex').slice(0, 32);
}

/** The template's data directory when it matches the current PGlite and migrations, else null. */
export function usableTemplate(templateDir = TEMPLATE_DIR): string | null {
  try {
    const { key } = JSON.parse(fs.readFileSync(path.join(templateDir, KEY_FILE), 'utf8')) as { key: string };
    return key === templateKey() ? path.join(templateDir, 'db') : null;
  } catch {
    return null;
  }
}

/** Makes the template unless a current one exists; built aside and swapped in whole. */
export async function buildTemplate(templateDir = TEMPLATE_DIR): Promise<'built' | 'current'> {
  if (usableTemplate(templateDir)) return 'current';
  const tmp = `${templateDir}.tmp-${process.pid}-${Date.now()}`;
  try {
    const handle = await openDatabase({ databaseUrl: null, pgliteDir: path.join(tmp, 'db') });
    try {
      await migrateDatabase(handle);
    } finally {
      await handle.close();
    }
    fs.writeFileSync(path.join(tmp, KEY_FILE), JSON.stringify({ key: templateKey(), builtAt: new Date().toISOString() }) + '\n');
    const old = `${templateDir}.old-${process.pid}-${Date.now()}`;
    if (fs.existsSync(templateDir)) fs.renameSync(templateDir, old);
    fs.renameSync(tmp, templateDir);
    fs.rmSync(old, { recursive: true, force: true });
    return 'built';
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// Backup archives (src/ops/archive.ts): database + media + config with a manifest; verify in a
// scratch database; restore with a safety backup; backup -> restore -> backup gives the same
// manifest; refusals (damaged archive, newer schema). On PGlite and, with ALYX_TEST_DB=pg, PostgreSQL.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { openServices } from '../../src/db/setup.ts';
import { labs, notes, users } from '../../src/apps/misc/tables.ts';
import { projects, subjects } from '../../src/apps/subjects/tables.ts';
import { sessionProjects, sessions, subjectSessionProjects } from '../../src/apps/actions/tables.ts';
import { sessionProjectsSummary } from '../../src/apps/actions/session-projects.ts';
import type { Services } from '../../src/services.ts';
import { createBackup, restoreBackup, verifyBackup, type Manifest } from '../../src/ops/archive.ts';
import type { Config } from '../../src/config.ts';
import { codeSchemaVersion } from '../../src/ops/schema-version.ts';
import { TEST_DIR, testConfig, withDatabase, withDb } from '../templates.ts';

const usePg = process.env.ALYX_TEST_DB === 'pg';
const work = path.join(TEST_DIR, `archive-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
const createdDbs: string[] = [];

/** A data dir with its own config file and media, and a database from the test template. */
async function makeSite(name: string): Promise<Config> {
  const dataDir = path.join(work, name);
  fs.mkdirSync(dataDir, { recursive: true });
  const configFile = path.join(dataDir, 'alyx.config.json');
  fs.writeFileSync(configFile, JSON.stringify({ ALYX_LAB: 'cortexlab', smtp: { host: 'mail.example.org', password: `pw-${name}` }, DATABASE_URL: 'postgres://alyx:dbsecret@db/alyx' }));
  let databaseUrl: string | null = null;
  if (usePg) {
    const url = process.env.TEST_DATABASE_URL!;
    const db = `${inject('pgTemplate').replace('tpl', 't')}_ar${crypto.randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database ${db} template ${inject('pgTemplate')}`);
        break;
      } catch (e) {
        if (attempt > 50 || !/being accessed by other users/.test(String((e as Error).message))) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
    await admin.end();
    createdDbs.push(db);
    databaseUrl = withDatabase(url, db);
  }
  const config = testConfig({ databaseUrl, dataDir, mediaDir: path.join(dataDir, 'media'), configFile, backup: { dir: path.join(dataDir, 'backups'), intervalHours: 0, keep: { daily: 7, weekly: 4, monthly: 12 } } });
  const services = usePg
    ? await openServices(config, { migrate: false })
    : await openServices(config, { migrate: false, loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))]) });
  await services.handle.close();
  return config;
}


/** A subject with one session in a project: the derived count table gets a row. */
async function subjectWithSessionProject(s: Services, nickname: string): Promise<void> {
  const [lab] = await s.db.select().from(labs).limit(1);
  const [subject] = await s.db.insert(subjects).values({ nickname, lab: lab.id }).returning();
  const [project] = await s.db.insert(projects).values({ name: `project_of_${nickname}` }).returning();
  const [session] = await s.db.insert(sessions).values({ subject: subject.id, start_time: '2024-03-02 10:00:00' }).returning();
  await s.db.insert(sessionProjects).values({ session: session.id, project: project.id });
}

/** Rewrites an archive's files: `edit` gets the extracted directory. */
async function repack(file: string, out: string, edit: (dir: string) => void): Promise<void> {
  const dir = `${out}.d`;
  fs.mkdirSync(dir, { recursive: true });
  await tar.x({ file, cwd: dir });
  edit(dir);
  await tar.c({ gzip: true, file: out, cwd: dir }, fs.readdirSync(dir));
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe(`backup archives (${usePg ? 'PostgreSQL' : 'embedded'})`, () => {
  let source: Config;
  let target: Config;
  let first: { file: string; manifest: Manifest };

  beforeAll(async () => {
    source = await makeSite('source');
    target = await makeSite('target');
    await withDb(source, async (s) => {
      const [lab] = await s.db.insert(labs).values({ name: 'archive_lab', institution: 'Ünïcode "quoted" \\ Institute', timezone: 'Europe/Paris' }).returning();
      const [user] = await s.db.insert(users).values({ username: 'archivist', email: 'a@example.org' }).returning();
      await s.db.insert(notes).values({
        user: user.id,
        text: 'line one\nline two',
        json: { nested: [1, 2.5, null, 'x'], big: 12345678901234 },
        date_time: '2024-03-02 10:11:12.345678',
        image: 'note/2024-03-02/img.png',
        content_type: 'misc.lab',
        object_id: lab.id,
      });
    });
    fs.mkdirSync(path.join(source.mediaDir, 'note', '2024-03-02'), { recursive: true });
    fs.writeFileSync(path.join(source.mediaDir, 'note', '2024-03-02', 'img.png'), PNG);
    await withDb(source, (s) => subjectWithSessionProject(s, 'archived_mouse'));
    await withDb(target, (s) => s.db.insert(labs).values({ name: 'only_in_target' }));
    await withDb(target, (s) => subjectWithSessionProject(s, 'target_mouse'));
    fs.mkdirSync(target.mediaDir, { recursive: true });
    fs.writeFileSync(path.join(target.mediaDir, 'stale.txt'), 'from the target');
    first = await withDb(source, (s) => createBackup(s));
  });
  afterAll(async () => {
    fs.rmSync(work, { recursive: true, force: true });
    if (createdDbs.length) {
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      for (const db of createdDbs) await admin.query(`drop database if exists ${db} with (force)`);
      await admin.end();
    }
  });

  it('writes one archive with the database, the media, the redacted config and a manifest', async () => {
    expect(path.dirname(first.file)).toBe(source.backup.dir);
    expect(path.basename(first.file)).toMatch(/^alyx-backup-\d{8}-\d{6}\.tar\.gz$/);
    const m = first.manifest;
    expect(m).toMatchObject({ format: 'alyx-local-backup', formatVersion: 1, appVersion: '0.1.0', kind: 'backup', schema: { migration: codeSchemaVersion().migration, index: codeSchemaVersion().index } });
    expect(m.database.tables.misc_note.rows).toBe(1);
    expect(m.database.tables.misc_lab.rows).toBeGreaterThanOrEqual(2); // the seeded lab and ours
    expect(m.database.tables.misc_lab.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.media.files).toEqual({ 'note/2024-03-02/img.png': { bytes: PNG.length, sha256: crypto.createHash('sha256').update(PNG).digest('hex') } });
    expect(m.config).toEqual({ file: 'alyx.config.json', redacted: true });
    const entries: string[] = [];
    await tar.t({ file: first.file, onReadEntry: (e) => void entries.push(e.path) });
    expect(entries[0]).toBe('manifest.json');
    expect(entries).toEqual(expect.arrayContaining(['database/misc_note.jsonl', 'media/note/2024-03-02/img.png', 'config/alyx.config.json']));
    const dir = path.join(work, 'peek');
    fs.mkdirSync(dir);
    await tar.x({ file: first.file, cwd: dir });
    const cfg = fs.readFileSync(path.join(dir, 'config', 'alyx.config.json'), 'utf8');
    expect(cfg).not.toContain('pw-source');
    expect(cfg).not.toContain('dbsecret');
    expect(JSON.parse(cfg)).toMatchObject({ smtp: { host: 'mail.example.org', password: '<redacted>' }, DATABASE_URL: 'postgres://alyx:<redacted>@db/alyx' });
    expect((fs.statSync(first.file).mode & 0o777).toString(8)).toBe('600');
  });

  it('keeps the secrets with --with-secrets', async () => {
    const out = path.join(work, 'secret.tar.gz');
    const r = await withDb(source, (s) => createBackup(s, { out, withSecrets: true }));
    expect(r.file).toBe(out);
    expect(r.manifest.config).toEqual({ file: 'alyx.config.json', redacted: false });
    const dir = path.join(work, 'peek-secret');
    fs.mkdirSync(dir);
    await tar.x({ file: out, cwd: dir });
    expect(fs.readFileSync(path.join(dir, 'config', 'alyx.config.json'), 'utf8')).toContain('pw-source');
  });

  it('verifies a good archive in a scratch database', async () => {
    const r = await verifyBackup(source, first.file);
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.scratch).toMatch(usePg ? /^scratch database alyx_verify_/ : /in-memory/);
  });

  it('reports a damaged archive', async () => {
    const bad = path.join(work, 'bad.tar.gz');
    await repack(first.file, bad, (dir) => {
      const f = path.join(dir, 'database', 'misc_lab.jsonl');
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('archive_lab', 'archive_bad'));
      fs.writeFileSync(path.join(dir, 'media', 'note', '2024-03-02', 'img.png'), 'not the image');
    });
    const r = await verifyBackup(source, bad);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(
      expect.arrayContaining(['table misc_lab: checksum differs from the manifest', 'media file note/2024-03-02/img.png: checksum differs from the manifest', 'table misc_lab: restored rows differ from the manifest\'s checksum']),
    );
    await expect(restoreBackup(target, bad)).rejects.toThrow(/is damaged, nothing was restored/);
    expect(await withDb(target, (s) => s.db.select().from(labs).where(eq(labs.name, 'only_in_target')))).toHaveLength(1);
  });

  it('refuses a backup from a newer schema and changes nothing', async () => {
    const newer = path.join(work, 'newer.tar.gz');
    await repack(first.file, newer, (dir) => {
      const mf = path.join(dir, 'manifest.json');
      const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
      m.schema = { migration: '0099_future', index: 99, when: m.schema.when + 1000 };
      fs.writeFileSync(mf, JSON.stringify(m));
    });
    const known = codeSchemaVersion().migration;
    await expect(restoreBackup(target, newer)).rejects.toThrow(
      new RegExp(`comes from a newer database schema \\(migration 0099_future, Alyx-local 0\\.1\\.0\\) than this Alyx-local knows \\(${known}, 0\\.1\\.0\\): upgrade Alyx-local, then restore`),
    );
    const v = await verifyBackup(source, newer);
    expect(v.ok).toBe(false);
    expect(fs.existsSync(path.join(target.mediaDir, 'stale.txt'))).toBe(true);
    expect(fs.existsSync(target.backup.dir)).toBe(false); // not even a safety backup
  });

  it('restores over an existing site after a safety backup; backup -> restore -> backup gives the same manifest', async () => {
    const lines: string[] = [];
    const r = await restoreBackup(target, first.file, { log: (l) => lines.push(l) });
    expect(r.safety).toMatch(/[\\/]alyx-safety-\d{8}-\d{6}\.tar\.gz$/);
    expect(path.dirname(r.safety!)).toBe(target.backup.dir);
    expect(lines).toContain(`safety backup written to ${r.safety}`);
    expect(r.configWritten).toBeNull();
    expect(r.mediaFiles).toBe(1);
    // what was there is gone, and kept in the safety backup
    expect(await withDb(target, (s) => s.db.select().from(labs).where(eq(labs.name, 'only_in_target')))).toHaveLength(0);
    expect(fs.existsSync(path.join(target.mediaDir, 'stale.txt'))).toBe(false);
    expect(fs.readFileSync(path.join(target.mediaDir, 'note', '2024-03-02', 'img.png'))).toEqual(PNG);
    const safetyDir = path.join(work, 'peek-safety');
    fs.mkdirSync(safetyDir);
    await tar.x({ file: r.safety!, cwd: safetyDir });
    expect(fs.readFileSync(path.join(safetyDir, 'database', 'misc_lab.jsonl'), 'utf8')).toContain('only_in_target');
    expect(fs.readFileSync(path.join(safetyDir, 'media', 'stale.txt'), 'utf8')).toBe('from the target');
    // the values came back exactly
    const note = await withDb(target, (s) => s.db.select().from(notes));
    expect(note).toMatchObject([{ text: 'line one\nline two', json: { nested: [1, 2.5, null, 'x'], big: 12345678901234 }, date_time: '2024-03-02 10:11:12.345678' }]);
    // the derived count table is not in the archive: it was recounted from the restored sessions
    expect(first.manifest.database.tables.actions_subject_session_projects).toBeUndefined();
    const counted = await withDb(target, async (s) => {
      expect(await sessionProjectsSummary.differences(s.db)).toBe(0);
      return s.db.select({ nickname: subjects.nickname, n: subjectSessionProjects.sessions }).from(subjectSessionProjects).innerJoin(subjects, eq(subjects.id, subjectSessionProjects.subject));
    });
    expect(counted).toEqual([{ nickname: 'archived_mouse', n: 1 }]);
    // and a new backup has the same counts and checksums
    const again = await withDb(target, (s) => createBackup(s, { out: path.join(work, 'again.tar.gz') }));
    expect(again.manifest.database.tables).toEqual(first.manifest.database.tables);
    expect(again.manifest.media).toEqual(first.manifest.media);
    expect(again.manifest.schema).toEqual(first.manifest.schema);
  });

  it('restores the config only when asked, keeping the current secrets for redacted values', async () => {
    fs.writeFileSync(target.configFile!, JSON.stringify({ smtp: { host: 'old.example.org', password: 'pw-kept' }, DATABASE_URL: 'postgres://alyx:dbsecret@db/alyx' }));
    const r = await restoreBackup(target, first.file, { config: true });
    expect(r.configWritten).toBe(target.configFile);
    expect(JSON.parse(fs.readFileSync(target.configFile!, 'utf8'))).toEqual({
      ALYX_LAB: 'cortexlab',
      smtp: { host: 'mail.example.org', password: 'pw-kept' },
      DATABASE_URL: 'postgres://alyx:dbsecret@db/alyx',
    });
    expect(fs.readdirSync(target.backup.dir).filter((f) => f.startsWith('alyx-safety-'))).toHaveLength(2);
  });
});

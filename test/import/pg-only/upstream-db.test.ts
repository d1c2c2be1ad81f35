// `alyx import postgres://...`: a scratch database that looks like an upstream Alyx (our schema,
// filled with the upstream sample dump, plus an upstream-only column and table, tokens stored plain
// as upstream stores them) imported into a fresh database, then compared row for row over REST.
import crypto from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../../helpers.ts';
import { withDatabase } from '../../templates.ts';
import { main } from '../../../src/main.ts';
import { importSource } from '../../../src/cli/import.ts';
import { importDump, type ImportReport } from '../../../src/db/import/importer.ts';
import { readDumpFile } from '../../../src/db/import/read.ts';
import { openUpstream, type UpstreamSource } from '../../../src/db/import/upstream.ts';
import { hashPassword } from '../../../src/rest/auth.ts';
import { users } from '../../../src/apps/misc/tables.ts';
import { SAMPLE } from '../dump-forms.ts';

const PW = 'upstream-password-1';
const PAGES = ['/subjects?limit=5', '/sessions?limit=5', '/datasets?limit=5', '/notes?limit=5', '/weighings?limit=5', '/water-administrations?limit=5'];
const TABLES = ['subjects_subject', 'actions_session', 'actions_weighing', 'data_dataset', 'data_filerecord', 'actions_session_users', 'actions_session_projects', 'misc_note', 'misc_labmember'];

describe('import from a live upstream database', () => {
  let up: TestApp;
  let t: TestApp;
  let upstream: UpstreamSource;
  let report: ImportReport;
  let dryRun: ImportReport;
  /** pages read from the upstream database before it was made to look more upstream (its tokens) */
  const before = new Map<string, unknown>();
  const plainToken = crypto.randomBytes(20).toString('hex');
  const count = async (app: TestApp, table: string) =>
    Number(((await app.services.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)}`)) as unknown as { rows: Array<{ n: number }> }).rows[0].n);

  beforeAll(async () => {
    up = await startTestApp();
    await importDump(up.services.db, await readDumpFile(SAMPLE));
    for (const url of PAGES) before.set(url, (await up.get(url)).body);
    const [someone] = await up.services.db.select({ id: users.id, username: users.username }).from(users).where(eq(users.username, 'test_admin'));
    // upstream's own shape: a column and a table we do not have, tokens in plain text (no sealed column)
    await up.services.db.execute(sql`alter table subjects_subject add column upstream_only_col text default 'x'`);
    await up.services.db.execute(sql`create table upstreamapp_widget (id serial primary key, name text)`);
    await up.services.db.execute(sql`insert into upstreamapp_widget (name) values ('a'), ('b')`);
    await up.services.db.execute(sql`create table auth_group (id serial primary key, name text)`);
    await up.services.db.execute(sql`alter table authtoken_token drop column encrypted`);
    await up.services.db.execute(sql`delete from authtoken_token`);
    await up.services.db.execute(sql`insert into authtoken_token (key, user_id, created) values (${plainToken}, ${someone.id}, now())`);
    await up.services.db.update(users).set({ password: await hashPassword(PW, 1000), username: 'upstream_admin' }).where(eq(users.id, someone.id));
    t = await startTestApp();
    upstream = await openUpstream(up.config.databaseUrl!, { batchSize: 50 });
    dryRun = await importSource(t.services, upstream, { dryRun: true });
    report = await importSource(t.services, upstream);
  });
  afterAll(async () => {
    await upstream?.close();
    await t?.close();
    await up?.close();
  });

  it('imports every row of our tables, with the same counts', async () => {
    // users: upstream's admin (renamed) is new here, beside this database's own test_admin
    for (const table of TABLES) expect(await count(t, table), table).toBe((await count(up, table)) + (table === 'misc_labmember' ? 1 : 0));
    expect(report.models['subjects.subject']).toEqual({ rows: 84, inserted: 84, existing: 0, matched: 0 });
    // the dry run reported the same and wrote nothing (the real run inserted everything afterwards)
    expect(dryRun.models).toEqual(report.models);
    expect(dryRun.dryRun).toBe(true);
  });

  it('reports upstream-only columns as ignored fields and upstream-only tables as skipped', () => {
    expect(report.ignoredFields).toEqual({ 'subjects.subject.upstream_only_col': 84 });
    expect(report.skippedModels['table upstreamapp_widget']).toEqual({ rows: 2, reason: 'no model for this upstream table in Alyx-local' });
    expect(report.skippedModels['table auth_group']?.reason).toMatch(/^Django framework data/);
  });

  it('gives the same rows over REST', async () => {
    for (const url of PAGES) {
      const b = await t.get(url);
      expect(b.status, url).toBe(200);
      expect(b.body.count, url).toBeGreaterThan(0);
      expect(b.body, url).toEqual(before.get(url));
    }
  });

  it('keeps password hashes and seals plain upstream tokens: the user logs in, the token works', async () => {
    const login = await t.post('/auth-token', { username: 'upstream_admin', password: PW }, { token: null });
    expect([login.status, login.body.token]).toEqual([200, plainToken]);
    expect((await t.get('/users/upstream_admin', { token: plainToken })).status).toBe(200);
    const stored = ((await t.services.db.execute(sql`select count(*)::int as n from authtoken_token where key = ${plainToken}`)) as unknown as { rows: Array<{ n: number }> }).rows[0].n;
    expect(stored).toBe(0);
  });

  it('re-running adds nothing', async () => {
    const again = await importSource(t.services, upstream);
    expect(again.models['actions.session'].inserted).toBe(0);
    expect(again.models['actions.session'].existing).toBe(report.models['actions.session'].rows);
  });
});

describe('alyx import postgres://... refusals', () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = 0;
  });
  const url = process.env.TEST_DATABASE_URL!;

  it.each([
    ['postgres://nobody:secret@127.0.0.1:1/alyx', /^alyx import: cannot connect to postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/alyx: /],
    [withDatabase(url, 'postgres'), /^alyx import: postgres:\/\/.*\/postgres is not an Alyx database \(no misc_labmember, subjects_subject, actions_session tables\)$/],
    [withDatabase(url, `no_such_db_${crypto.randomBytes(3).toString('hex')}`), /^alyx import: cannot connect to .*does not exist/],
    ['postgres://x@127.0.0.1:notaport/db', /^alyx import: (cannot connect to|postgres:\/\/x@127\.0\.0\.1:notaport\/db is not a valid PostgreSQL URL)/],
  ])('%s: a clear message, exit 1', async (source, message) => {
    const code = await main(['import', source]);
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(message);
    expect(err.join('\n')).not.toMatch(/\n\s+at /);
    expect(err.join('\n')).not.toContain('secret');
  });
});

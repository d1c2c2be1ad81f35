// The repository scanner (alyx files scan): an ALF tree in a temporary directory with good names,
// bad names, an unknown subject, unknown and ambiguous types, a revision, a symlink out and a
// missing session; the issue list and its fixes; the share left untouched.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { scanRepositories, ScanError } from '../../src/apps/data/scan/scanner.ts';
import { cli } from '../../src/apps/data/cli.ts';
import { sessions, sessionUsers } from '../../src/apps/actions/tables.ts';
import { makeLab, makeRepository, makeSession, makeSubject, tempDir } from './fixtures.ts';

let t: TestApp;
let share: string;
let outside: string;
let dataDir: string;
let base: { id: string };
const content = (f: string) => Buffer.from(`content of ${f}\n`.repeat(20));
const md5 = (b: Buffer) => crypto.createHash('md5').update(b).digest('hex');

function put(root: string, rel: string, body: Buffer = content(rel)) {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body);
}

/** every entry of a tree with its kind, size and mtime: any write, creation or removal changes it */
function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = fs.lstatSync(p);
      out.push(`${path.relative(root, p)} ${st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : 'f'} ${st.size} ${st.mtimeMs} ${st.mode}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

const S1 = 'KS005/2019-04-01/001';
const GOOD = [`${S1}/alf/_ibl_wheel.timestamps.npy`, `${S1}/alf/_ibl_wheel.position.npy`, `${S1}/alf/#2024-01-01#/_ibl_wheel.position.npy`];

beforeAll(async () => {
  share = tempDir('scanshare');
  outside = tempDir('scanoutside');
  dataDir = tempDir('scandata');
  t = await startTestApp({
    dataDir,
    repositoryDirs: { lab_server: share },
    repositoryScan: { lab_server: { path: share, hash: true, hash_rate_mb: 0 } },
  });
  const lab = await makeLab(t, 'cortexlab');
  const ks = await makeSubject(t, 'KS005', lab.id);
  base = await makeSession(t, ks.id, lab.id, '2019-04-01T10:00:00', 1);
  await makeRepository(t, { name: 'lab_server', globus_is_personal: false, data_url: 'http://localhost:80/cortexlab/Subjects/' }, [lab.id]);
  for (const [name, filename_pattern] of [
    ['wheel.timestamps', ''],
    ['wheel.position', ''],
    ['amb.one', '*amb.x*'],
    ['amb.two', 'amb.*'],
  ]) {
    expect((await t.post('/dataset-types', { name, filename_pattern })).status).toBe(201);
  }
  for (const f of GOOD) put(share, f);
  put(share, `${S1}/alf/wheel.timestampz.npy`); // no dataset type; closest: wheel.timestamps
  put(share, `${S1}/alf/amb.x.npy`); // two types match
  put(share, `${S1}/alf/notes about it.txt`); // not an ALF name, no type
  put(share, `${S1}/al f/spikes.times.npy`); // a collection with a space
  put(share, `${S1}/alf/.DS_Store`); // hidden: ignored
  put(share, 'KS005/2019-04-01/002/alf/spikes.times.npy'); // no session yet: created
  put(outside, 'secret.spikes.times.npy');
  fs.symlinkSync(path.join(outside, 'secret.spikes.times.npy'), path.join(share, 'KS005/2019-04-01/002/alf/link.spikes.times.npy'));
  fs.mkdirSync(path.join(share, 'KS005/notadate'));
  put(share, 'UNKNOWN_1/2020-01-01/001/alf/spikes.times.npy');
  put(share, 'README.txt');
});
afterAll(async () => {
  await t?.close();
  for (const d of [share, outside, dataDir]) {
    fs.chmodSync(d, 0o755);
    fs.rmSync(d, { recursive: true, force: true });
  }
});

const issues = async (q = '') => (await t.get(`/ingest/issues${q}`)).body;
const reasons = async () => Object.fromEntries((await issues()).results.map((i: any) => [i.relative_path, i.reason]));

describe('files scan', () => {
  let snap: string[];
  it('registers the files it can place, on a read-only tree, and writes nothing there', async () => {
    snap = snapshot(share);
    fs.chmodSync(share, 0o555); // (the tests may run as root, for whom the snapshot is the check)
    const r = await scanRepositories(t.services);
    expect(snapshot(share)).toEqual(snap);
    expect(r).toMatchObject({
      repositories: ['lab_server'],
      sessionsRead: 2,
      sessionsCreated: 1,
      filesRegistered: 4,
      symlinksSkipped: 1,
      changed: true,
      cacheRebuilt: true,
    });
    const ds = (await t.get(`/datasets?session=${base.id}`)).body.results;
    expect(ds.map((d: any) => [d.collection, d.name, d.revision, d.default_dataset]).sort()).toEqual([
      ['alf', '_ibl_wheel.position.npy', '', false],
      ['alf', '_ibl_wheel.position.npy', '2024-01-01', true],
      ['alf', '_ibl_wheel.timestamps.npy', '', true],
    ]);
    const ts = ds.find((d: any) => d.name === '_ibl_wheel.timestamps.npy');
    expect(ts).toMatchObject({ dataset_type: 'wheel.timestamps', data_format: 'npy', created_by: 'test_admin', file_size: content(GOOD[0]).length, hash: md5(content(GOOD[0])) });
    expect(ts.file_records).toEqual([expect.objectContaining({ data_repository: 'lab_server', relative_path: GOOD[0], exists: true })]);
  });

  it('creates the missing session under the day’s base session, with the scanning user', async () => {
    const rows = await t.services.db.select().from(sessions).where(eq(sessions.number, 2));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ parent_session: base.id, start_time: '2019-04-01 00:00:00', type: 'Experiment' });
    const u = await t.services.db.select().from(sessionUsers).where(eq(sessionUsers.owner, rows[0].id));
    expect(u.map((x) => x.labmember)).toEqual([t.adminId]);
    const ds = (await t.get(`/datasets?session=${rows[0].id}`)).body.results;
    expect(ds.map((d: any) => d.name)).toEqual(['spikes.times.npy']); // the link out is not registered
  });

  it('lists what it could not place, filterable and paginated', async () => {
    expect(await reasons()).toEqual({
      'KS005/2019-04-01/001/al f/spikes.times.npy': 'bad_alf_path',
      'KS005/2019-04-01/001/alf/amb.x.npy': 'ambiguous_dataset_type',
      'KS005/2019-04-01/001/alf/notes about it.txt': 'bad_alf_name',
      'KS005/2019-04-01/001/alf/wheel.timestampz.npy': 'no_dataset_type',
      'KS005/2019-04-01/002/alf/link.spikes.times.npy': 'symlink_outside',
      'KS005/notadate': 'bad_alf_path',
      'README.txt': 'bad_alf_path',
      UNKNOWN_1: 'unknown_subject',
    });
    const nt = await issues('?reason=no_dataset_type');
    expect(nt.count).toBe(1);
    expect(Object.keys(nt.results[0])).toEqual(['id', 'data_repository', 'relative_path', 'session_path', 'reason', 'detail', 'info', 'first_seen', 'last_seen', 'fix']);
    expect(nt.results[0]).toMatchObject({
      data_repository: 'lab_server',
      session_path: S1,
      detail: 'No dataset type found for filename "wheel.timestampz.npy"',
      fix: 'create_dataset_type',
    });
    expect(nt.results[0].info.closest[0]).toBe('wheel.timestamps');
    expect((await issues(`?session_path=${S1}`)).count).toBe(4);
    expect((await issues('?path=KS005/2019-04-01/002')).count).toBe(1);
    expect((await issues('?reason=unknown_subject,symlink_outside&repository=lab_server')).count).toBe(2);
    const page = await issues('?limit=3&offset=3');
    expect(page.results).toHaveLength(3);
    expect(page.next).toBe('http://localhost:80/ingest/issues?limit=3&offset=6');
    expect(page.previous).toBe('http://localhost:80/ingest/issues?limit=3');
    const bad = await t.get('/ingest/issues?reason=bogus');
    expect(bad.status).toBe(400);
    expect((await t.get('/ingest/issues?repository=nope')).status).toBe(400);
  });

  it('a rescan with nothing new changes nothing and re-reads only folders with issues to fix in the database', async () => {
    const r = await scanRepositories(t.services);
    expect(r).toMatchObject({ sessionsRead: 1, sessionsUnchanged: 1, filesRegistered: 0, changed: false, cacheRebuilt: false });
    expect(Object.keys(await reasons())).toHaveLength(8);
    expect(snapshot(share)).toEqual(snap);
  });

  it('one-click fixes, then the next scan registers the files and drops the issues', async () => {
    const list = (await issues()).results;
    const byReason = (r: string) => list.find((i: any) => i.reason === r);
    const noFix = await t.post(`/ingest/issues/${byReason('ambiguous_dataset_type').id}/fix`, {});
    expect(noFix.status).toBe(400);
    expect((await t.post('/ingest/issues/00000000-0000-0000-0000-000000000000/fix', {})).status).toBe(404);
    const ft = await t.post(`/ingest/issues/${byReason('no_dataset_type').id}/fix`, {});
    expect(ft.status).toBe(201);
    expect(ft.body.dataset_type).toMatchObject({ name: 'wheel.timestampz', filename_pattern: '*wheel.timestampz*' });
    const fs1 = await t.post(`/ingest/issues/${byReason('unknown_subject').id}/fix`, {});
    expect(fs1.status).toBe(201);
    expect(fs1.body.subject).toMatchObject({ nickname: 'UNKNOWN_1', lab: 'cortexlab' });
    const r = await scanRepositories(t.services);
    expect(r).toMatchObject({ filesRegistered: 2, sessionsCreated: 1 });
    const left = await reasons();
    expect(left['KS005/2019-04-01/001/alf/wheel.timestampz.npy']).toBeUndefined();
    expect(left.UNKNOWN_1).toBeUndefined();
    expect(Object.keys(left)).toHaveLength(6);
  });

  it('is started from the web UI in the background: POST /ingest/scan, then GET /ingest/scan until it has ended', async () => {
    expect((await t.post('/ingest/scan', { repository: 'nosuch' })).body).toMatchObject({ repository: [expect.stringContaining('no directory in the configuration')], status_code: 400 });
    expect((await t.post('/ingest/scan', { repository: 7 })).status).toBe(400);
    const started = await t.post('/ingest/scan', { repository: 'lab_server' });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ running: true, repository: 'lab_server', summary: null });
    let state = (await t.get('/ingest/scan')).body;
    for (let i = 0; i < 100 && state.running; i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = (await t.get('/ingest/scan')).body;
    }
    expect(state).toMatchObject({ running: false, repository: 'lab_server', error: null, repositories: ['lab_server'] });
    expect(state.summary).toMatchObject({ repositories: ['lab_server'], filesRegistered: 0 });
  });

  it('a protected dataset is never overwritten: a different file is an issue', async () => {
    fs.chmodSync(share, 0o755);
    const ts = (await t.get(`/datasets?session=${base.id}&name=_ibl_wheel.timestamps.npy`)).body.results[0];
    await t.post('/tags', { name: 'frozen', protected: true });
    expect((await t.patch(ts.url.replace('http://localhost:80', ''), { tags: ['frozen'] })).status).toBe(200);
    // the same file in a second repository whose copy differs
    const other = tempDir('scanother');
    try {
      put(other, GOOD[0], Buffer.from('another content'));
      put(other, GOOD[1]);
      await makeRepository(t, { name: 'backup', globus_is_personal: true });
      const cfg = { ...t.services.config, repositoryDirs: { ...t.services.config.repositoryDirs, backup: other }, repositoryScan: {} };
      const r = await scanRepositories({ ...t.services, config: cfg }, { repository: 'backup' });
      expect(r.filesRegistered).toBe(1);
      const iss = (await issues('?repository=backup')).results;
      expect(iss.map((i: any) => [i.relative_path, i.reason])).toEqual([[GOOD[0], 'protected_differs']]);
      const after = (await t.get(`/datasets/${ts.url.slice(-36)}`)).body;
      expect(after.file_size).toBe(content(GOOD[0]).length);
      expect(after.file_records.map((f: any) => f.data_repository)).toEqual(['lab_server']);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('is the `files scan` command; bad options and unknown repositories are one-line errors', async () => {
    const cmd = cli.find((c) => c.name === 'files scan')!;
    const lines: string[] = [];
    expect(await cmd.run(t.services, ['--repository', 'lab_server', '--dry-run'], (l) => lines.push(l))).toBe(0);
    expect(lines[0]).toMatch(/^\[dry run\] scanned lab_server in [\d.]+ s: 1 sessions read \(2 unchanged, 0 created\), 7 files seen$/);
    expect(lines[2]).toMatch(/^issues: ambiguous_dataset_type 1, bad_alf_name 1, /);
    const err: string[] = [];
    expect(await cmd.run(t.services, ['--repository', 'nope'], (l) => err.push(l))).toBe(1);
    expect(err).toEqual(['error: repository nope has no directory in the configuration ("repositories": {"nope": "/path"})']);
    err.length = 0;
    expect(await cmd.run(t.services, ['--since', 'yesterday'], (l) => err.push(l))).toBe(1);
    expect(err[0]).toBe('error: --since: "yesterday" is not a date (YYYY-MM-DD) or datetime');
    expect(await cmd.run(t.services, ['--bogus'], () => {})).toBe(2);
    await expect(scanRepositories(t.services, { repository: 'nope' })).rejects.toBeInstanceOf(ScanError);
  });
});

describe('hashes', () => {
  it('a file rewritten with the same size but other content is "changed" (md5), found by a --since scan', async () => {
    const file = path.join(share, GOOD[1]);
    const before = fs.readFileSync(file);
    const other = Buffer.from(before.toString().replace(/content/g, 'CONTENT'));
    expect(other.length).toBe(before.length);
    fs.writeFileSync(file, other);
    try {
      const r = await scanRepositories(t.services, { repository: 'lab_server', since: '2000-01-01' });
      expect(r.issues.changed).toBe(1);
      const iss = (await t.get('/ingest/issues?reason=changed&repository=lab_server')).body.results;
      expect(iss.map((i: any) => [i.relative_path, i.info])).toEqual([[GOOD[1], { registered_hash: md5(before), hash: md5(other) }]]);
    } finally {
      fs.writeFileSync(file, before);
    }
    await scanRepositories(t.services, { repository: 'lab_server', since: '2000-01-01' });
    expect((await t.get('/ingest/issues?reason=changed&repository=lab_server')).body.count).toBe(0);
  });
});

describe('incremental scans', () => {
  let clean: string;
  let services: TestApp['services'];
  const S = (d: string, n = '001') => `ZM_1/${d}/${n}`;
  beforeAll(async () => {
    clean = tempDir('scanclean');
    const lab = await makeLab(t, 'cortexlab');
    await makeSubject(t, 'ZM_1', lab.id);
    await makeRepository(t, { name: 'clean', globus_is_personal: false, data_url: 'http://localhost:80/clean/' }, [lab.id]);
    services = { ...t.services, config: { ...t.services.config, repositoryDirs: { clean }, repositoryScan: {} } };
    for (const d of ['2021-01-01', '2021-01-02', '2021-01-03']) for (const f of ['_ibl_wheel.timestamps.npy', '_ibl_wheel.position.npy']) put(clean, `${S(d)}/alf/${f}`);
  });
  afterAll(() => fs.rmSync(clean, { recursive: true, force: true }));

  it('a half-way failure leaves committed sessions whole and the next scan resumes', async () => {
    let n = 0;
    // two sessions at a time on PostgreSQL: the one in flight when the first fails still commits whole
    const twoAtOnce = { ...services, config: { ...services.config, repositoryScan: { clean: { path: clean, scan_concurrency: 2 } } } };
    const boom = scanRepositories(twoAtOnce, {
      onProgress: () => {
        if (++n === 1) throw new Error('killed');
      },
    });
    await expect(boom).rejects.toThrow('killed');
    const names = async () => (await t.get('/datasets?subject=ZM_1&limit=100')).body.results.map((d: any) => d.name).sort();
    // whole sessions only (two files each): the first one, and on PostgreSQL the one in flight
    const before = (await names()).length;
    expect(before % 2).toBe(0);
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(6);
    const r = await scanRepositories(services);
    expect(r).toMatchObject({ sessionsRead: (6 - before) / 2, sessionsUnchanged: 3 - (6 - before) / 2, filesRegistered: 6 - before });
    expect((await names()).length).toBe(6);
  });

  it('a rescan with nothing new lists no directory; a new session touches only its folders', async () => {
    expect(await scanRepositories(services)).toMatchObject({ sessionsRead: 0, sessionsUnchanged: 3, directoriesListed: 0, changed: false });
    put(clean, `${S('2021-01-04')}/alf/_ibl_wheel.timestamps.npy`);
    const r = await scanRepositories(services);
    // the subject folder (its mtime changed), then the new date, session and alf folders
    expect(r).toMatchObject({ sessionsRead: 1, sessionsUnchanged: 3, filesRegistered: 1, directoriesListed: 4 });
  });

  it('files that disappear get exists=false, and true when they come back; --since re-reads and finds changed files', async () => {
    const file = path.join(clean, `${S('2021-01-01')}/alf/_ibl_wheel.position.npy`);
    const existsOf = async () =>
      (await t.get(`/files?data_repository=clean&relative_path=${S('2021-01-01')}/alf/_ibl_wheel.position.npy`)).body.results[0].exists;
    fs.renameSync(file, file + '.away');
    fs.renameSync(file + '.away', path.join(clean, 'away.npy'));
    expect(await scanRepositories(services)).toMatchObject({ existsSetFalse: 1, changed: true });
    expect(await existsOf()).toBe(false);
    fs.renameSync(path.join(clean, 'away.npy'), file);
    expect(await scanRepositories(services)).toMatchObject({ existsSetTrue: 1 });
    expect(await existsOf()).toBe(true);
    // a file rewritten in place does not change its folder's mtime: found by a --since scan
    fs.writeFileSync(file, 'shorter');
    expect(await scanRepositories(services)).toMatchObject({ sessionsRead: 0 });
    const r = await scanRepositories(services, { since: '2000-01-01' });
    expect(r.sessionsRead).toBe(4);
    expect(r.issues).toEqual({ changed: 1 });
    const iss = (await t.get('/ingest/issues?repository=clean')).body.results;
    expect(iss[0]).toMatchObject({ reason: 'changed', info: { size: 7 } });
  });

  it('a session folder that disappears: its records get exists=false, its issues go', async () => {
    fs.rmSync(path.join(clean, 'ZM_1/2021-01-01'), { recursive: true });
    const r = await scanRepositories(services);
    expect(r.existsSetFalse).toBe(2);
    expect((await t.get('/ingest/issues?repository=clean')).body.count).toBe(0);
  });

  it('a <lab>/Subjects/ layout: the records keep the prefix (their path in the directory)', async () => {
    const tree = tempDir('scanlabtree');
    try {
      put(tree, 'cortexlab/Subjects/ZM_1/2023-01-01/001/alf/_ibl_wheel.timestamps.npy');
      put(tree, 'cortexlab/Subjects/NOPE/2023-01-01/001/alf/_ibl_wheel.timestamps.npy');
      await makeRepository(t, { name: 'labtree', globus_is_personal: true });
      const svc = { ...t.services, config: { ...t.services.config, repositoryDirs: { labtree: tree }, repositoryScan: {} } };
      expect(await scanRepositories(svc)).toMatchObject({ filesRegistered: 1, sessionsCreated: 1 });
      const recs = (await t.get('/files?data_repository=labtree')).body.results;
      expect(recs.map((r: any) => [r.relative_path, r.exists])).toEqual([['cortexlab/Subjects/ZM_1/2023-01-01/001/alf/_ibl_wheel.timestamps.npy', true]]);
      const iss = (await t.get('/ingest/issues?repository=labtree')).body.results;
      expect(iss.map((i: any) => [i.relative_path, i.reason])).toEqual([['cortexlab/Subjects/NOPE', 'unknown_subject']]);
      expect(await scanRepositories(svc)).toMatchObject({ sessionsRead: 0, filesRegistered: 0 });
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });

  it('an empty session folder creates no session', async () => {
    fs.mkdirSync(path.join(clean, S('2021-02-01')), { recursive: true });
    const r = await scanRepositories(services);
    expect(r).toMatchObject({ sessionsRead: 1, sessionsCreated: 0, filesRegistered: 0, changed: false });
    expect((await t.get('/sessions?subject=ZM_1&date_range=2021-02-01,2021-02-01')).body.count).toBe(0);
  });

  it('dry runs count and change nothing', async () => {
    put(clean, `${S('2021-01-05')}/alf/_ibl_wheel.timestamps.npy`);
    const r = await scanRepositories(services, { dryRun: true });
    expect(r).toMatchObject({ filesRegistered: 1, cacheRebuilt: false });
    expect((await t.get('/datasets?subject=ZM_1&date=2021-01-05')).body.count).toBe(0);
    expect((await scanRepositories(services)).filesRegistered).toBe(1);
  });
});

describe('ONE sees scanned files', () => {
  it('finds them in /datasets and the cache tables and downloads one through the repository URL', async () => {
    const ds = (await t.get(`/datasets?session=${base.id}&dataset_type=wheel.timestamps&exists=True`)).body.results;
    expect(ds).toHaveLength(1);
    const url = new URL(ds[0].file_records[0].data_url);
    expect(url.pathname).toBe(`/cortexlab/Subjects/${S1}/alf/_ibl_wheel.timestamps.${ds[0].url.slice(-36)}.npy`);
    const got = await t.get(url.pathname);
    expect(got.status).toBe(200);
    expect(got.text).toBe(content(GOOD[0]).toString());
    const info = await t.get('/cache/info/');
    const all = (await t.get('/datasets?limit=1000')).body.results;
    const exported = all.filter((d: any) => d.file_records.some((f: any) => f.data_url && f.exists));
    expect(info.body.tables.datasets.nrecs).toBe(exported.length);
  });

  it('the scheduled job scans the repositories that opted in, when their interval has passed', async () => {
    const app = (await import('../../src/apps/data/index.ts')).default;
    const job = app.jobs!.find((j) => j.name === 'files scan')!;
    expect(job.enabledByDefault).toBe(true);
    const dir = tempDir('scanjob');
    try {
      await makeRepository(t, { name: 'jobrepo', globus_is_personal: false });
      const withScan = (scan: boolean) => ({
        ...t.services,
        config: { ...t.services.config, repositoryDirs: { jobrepo: dir }, repositoryScan: { jobrepo: { path: dir, scan } } },
      });
      const count = async () => (await t.get('/files?data_repository=jobrepo')).body.count;
      put(dir, 'ZM_1/2022-01-01/001/alf/_ibl_wheel.timestamps.npy');
      await job.run(withScan(false)); // not opted in
      expect(await count()).toBe(0);
      await job.run(withScan(true));
      expect(await count()).toBe(1);
      put(dir, 'ZM_1/2022-01-02/001/alf/_ibl_wheel.timestamps.npy');
      await job.run(withScan(true)); // not due yet (10 minutes)
      expect(await count()).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// `alyx files check` (checkFiles and the CLI command object), /sync-file-status, and the pure
// helpers of the file server and the zip writer.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { asc, eq } from 'drizzle-orm';
import { checkFiles, FileCheckError } from '../../src/apps/data/file-check.ts';
import { scanRepositories } from '../../src/apps/data/scan/scanner.ts';
import { dataRepositories, ingestIssues, scanStates } from '../../src/apps/data/tables.ts';
import { cli } from '../../src/apps/data/cli.ts';
import { parseRange, safeJoin } from '../../src/apps/data/serve-files.ts';
import { readZip, writeZip } from '../../src/apps/data/zip.ts';
import { makeLab, makeRepository, makeSession, makeSubject, tempDir } from './fixtures.ts';

let t: TestApp;
let share: string;
let share2: string;
let dataDir: string;
let labId: string;
beforeAll(async () => {
  share = tempDir('check');
  share2 = tempDir('checkscan');
  // lab_share: created in the database by the walk tests below, after the srv tests
  t = await startTestApp({ dataDir: tempDir('checkdata'), repositoryDirs: { srv: share, lab_share: share2 } });
  dataDir = t.config.dataDir;
  const lab = await makeLab(t, 'checklab');
  labId = lab.id;
  const s = await makeSubject(t, 'KS005', lab.id);
  await makeSession(t, s.id, lab.id, '2019-04-01T10:00:00', 1);
  await makeRepository(t, { name: 'srv', globus_is_personal: false, data_url: 'http://localhost:80/checklab/Subjects/' }, [lab.id]);
  await makeRepository(t, { name: 'flatiron_checklab', globus_is_personal: false }, [lab.id]);
  await makeRepository(t, { name: 'rig', globus_is_personal: true }, [lab.id]);
  await t.post('/dataset-types', { name: 'wheel.timestamps', filename_pattern: '' });
  await t.post('/dataset-types', { name: 'wheel.position', filename_pattern: '' });
  const r = await t.post('/register-file', { path: 'KS005/2019-04-01/001', filenames: ['alf/_ibl_wheel.timestamps.npy', 'alf/_ibl_wheel.position.npy'], name: 'rig' });
  expect(r.status).toBe(201);
  fs.mkdirSync(path.join(share, 'KS005/2019-04-01/001/alf'), { recursive: true });
  fs.writeFileSync(path.join(share, 'KS005/2019-04-01/001/alf/_ibl_wheel.timestamps.npy'), 'x');
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(share, { recursive: true, force: true });
  fs.rmSync(share2, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const existsOn = async (repo: string) =>
  Object.fromEntries(
    (await t.get(`/files?data_repository=${repo}`)).body.results.map((f: any) => [f.relative_path.split('/').pop(), f.exists]),
  );

describe('files check', () => {
  it('marks records present / missing from the directory, dry runs change nothing', async () => {
    expect(await existsOn('srv')).toEqual({ '_ibl_wheel.timestamps.npy': false, '_ibl_wheel.position.npy': false });
    const dry = await checkFiles(t.services.db, t.config, { dry: true });
    expect(dry).toEqual({ repositories: ['srv'], checked: 2, present: 1, missing: 1, changed: 1 });
    expect((await existsOn('srv'))['_ibl_wheel.timestamps.npy']).toBe(false);
    const progress: number[] = [];
    const r = await checkFiles(t.services.db, t.config, { batchSize: 1, onProgress: (done) => progress.push(done) });
    expect(r.changed).toBe(1);
    expect(progress).toEqual([1, 2]);
    expect(await existsOn('srv')).toEqual({ '_ibl_wheel.timestamps.npy': true, '_ibl_wheel.position.npy': false });
    await expect(checkFiles(t.services.db, t.config, { repository: 'rig' })).rejects.toBeInstanceOf(FileCheckError);
  });
  it('is exposed as the `files check` command', async () => {
    fs.rmSync(path.join(share, 'KS005/2019-04-01/001/alf/_ibl_wheel.timestamps.npy'));
    const cmd = cli.find((c) => c.name === 'files check')!;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await cmd.run(t.services, []);
    expect(log.mock.calls[0][0]).toBe('2 file records in srv: 0 present, 2 missing, 1 changed');
    log.mockRestore();
    expect((await existsOn('srv'))['_ibl_wheel.timestamps.npy']).toBe(false);
  });
  it('cache build command', async () => {
    const cmd = cli.find((c) => c.name === 'cache build')!;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await cmd.run(t.services, []);
    expect(log.mock.calls[0][0]).toMatch(/: 1 sessions, 0 datasets \(/);
    log.mockRestore();
    expect(fs.existsSync(path.join(t.config.dataDir, 'cache-tables', 'cache.zip'))).toBe(true);
  });
  it('/sync-file-status lists what a sync would inspect', async () => {
    const get = await t.get('/sync-file-status');
    expect(get.status).toBe(200);
    expect(get.body).toEqual(['KS005/2019-04-01/001/alf/_ibl_wheel.position.npy', 'KS005/2019-04-01/001/alf/_ibl_wheel.timestamps.npy']);
    const post = await t.post('/sync-file-status', {});
    expect([post.status, post.body]).toEqual([200, 'ok']);
  });
});

describe('files check shares the scanner walk', () => {
  const A = 'KS005/2019-04-01/001/alf/_ibl_wheel.timestamps.npy';
  const B = 'KS005/2019-04-01/001/alf/_ibl_wheel.position.npy';
  const C = 'KS005/2019-04-02/001/alf/_ibl_wheel.timestamps.npy';
  const put = (rel: string) => {
    fs.mkdirSync(path.dirname(path.join(share2, rel)), { recursive: true });
    fs.writeFileSync(path.join(share2, rel), `content of ${rel}`);
  };
  let repoId: string;
  const flags = async () =>
    Object.fromEntries((await t.get('/files?data_repository=lab_share')).body.results.map((f: any) => [f.relative_path, f.exists]));
  /** the scanner's bookkeeping: folder states and ingest issues of the repository */
  const bookkeeping = async () => ({
    states: await t.services.db.select().from(scanStates).where(eq(scanStates.data_repository, repoId)).orderBy(asc(scanStates.path)),
    issues: await t.services.db.select().from(ingestIssues).where(eq(ingestIssues.data_repository, repoId)).orderBy(asc(ingestIssues.relative_path), asc(ingestIssues.reason)),
  });
  const check = (opts: Parameters<typeof checkFiles>[2] = {}, config = t.config) =>
    t.services.db.transaction((tx) => checkFiles(tx, config, { repository: 'lab_share', ...opts }));

  beforeAll(async () => {
    await makeRepository(t, { name: 'lab_share', globus_is_personal: false, data_url: 'http://localhost:80/lab/' }, [labId]);
    [{ id: repoId }] = await t.services.db.select({ id: dataRepositories.id }).from(dataRepositories).where(eq(dataRepositories.name, 'lab_share'));
    for (const f of [A, B, C]) put(f);
    put('KS005/2019-04-01/001/alf/not_alf.txt'); // an ingest issue
    const scan = await scanRepositories(t.services, { repository: 'lab_share', rebuildCache: false });
    expect([scan.filesRegistered, scan.sessionsCreated]).toEqual([3, 1]);
    expect(Object.keys(scan.issues).length).toBeGreaterThan(0);
  });

  it('deleted files and a vanished session folder → false, dry run first; bookkeeping untouched', async () => {
    expect(await flags()).toEqual({ [A]: true, [B]: true, [C]: true });
    const before = await bookkeeping();
    expect(before.states.length).toBeGreaterThan(0);
    expect(before.issues.length).toBeGreaterThan(0);
    fs.rmSync(path.join(share2, B));
    fs.rmSync(path.join(share2, 'KS005/2019-04-02'), { recursive: true });
    const dry = await check({ dry: true });
    expect(dry).toEqual({ repositories: ['lab_share'], checked: 3, present: 1, missing: 2, changed: 2 });
    expect(await flags()).toEqual({ [A]: true, [B]: true, [C]: true });
    const r = await check();
    expect(r).toEqual({ repositories: ['lab_share'], checked: 3, present: 1, missing: 2, changed: 2 });
    expect(await flags()).toEqual({ [A]: true, [B]: false, [C]: false });
    expect(await bookkeeping()).toEqual(before);
  });

  it('restored files → true', async () => {
    put(B);
    put(C);
    const r = await check();
    expect([r.present, r.missing, r.changed]).toEqual([3, 0, 2]);
    expect(await flags()).toEqual({ [A]: true, [B]: true, [C]: true });
  });

  it('a missing or empty (unmounted) repository directory is refused and changes nothing', async () => {
    const gone = { ...t.config, repositoryDirs: { ...t.config.repositoryDirs, lab_share: path.join(share2, 'not-mounted') } };
    await expect(check({}, gone)).rejects.toThrow(/does not exist \(not mounted\?\)/);
    const empty = tempDir('checkempty');
    const emptyConfig = { ...t.config, repositoryDirs: { ...t.config.repositoryDirs, lab_share: empty } };
    await expect(check({}, emptyConfig)).rejects.toThrow(/is empty while file records say their files are there/);
    fs.rmSync(empty, { recursive: true, force: true });
    expect(await flags()).toEqual({ [A]: true, [B]: true, [C]: true });
    // the CLI says so (a CliError: a message and exit 1, no stack trace)
    const cmd = cli.find((c) => c.name === 'files check')!;
    const lines: string[] = [];
    expect(await cmd.run({ ...t.services, config: gone }, ['--repository', 'lab_share', '--dry-run'], (l) => lines.push(l))).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^error: repository lab_share: directory .*not-mounted does not exist \(not mounted\?\)/)]);
    expect(await flags()).toEqual({ [A]: true, [B]: true, [C]: true });
    // POST /sync-file-status: a 409 with the message, nothing changed
    fs.renameSync(share2, `${share2}.away`);
    try {
      const r = await t.post('/sync-file-status', {});
      expect([r.status, r.body.detail]).toEqual([409, expect.stringMatching(/lab_share: directory .* does not exist \(not mounted\?\)/)]);
    } finally {
      fs.renameSync(`${share2}.away`, share2);
    }
    expect(await flags()).toEqual({ [A]: true, [B]: true, [C]: true });
  });

  it("the scanner's incremental scan still works after a check", async () => {
    const rescan = await scanRepositories(t.services, { repository: 'lab_share', rebuildCache: false });
    expect(rescan.filesRegistered).toBe(0);
    fs.rmSync(path.join(share2, A));
    expect((await check()).changed).toBe(1);
    put(A);
    expect((await check()).changed).toBe(1);
    const D = 'KS005/2019-04-01/002/alf/_ibl_wheel.position.npy';
    put(D);
    const scan = await scanRepositories(t.services, { repository: 'lab_share', rebuildCache: false });
    expect(scan.filesRegistered).toBe(1);
    // the session folder 2019-04-02/001 (nothing to fix in it) is remembered and not read again
    expect(scan.sessionsUnchanged).toBe(1);
    expect(scan.sessionsRead).toBe(2);
    expect((await flags())[D]).toBe(true);
  });
});

describe('helpers', () => {
  it('safeJoin refuses to leave the root', () => {
    expect(safeJoin('/srv/data', 'a/b.npy')).toBe('/srv/data/a/b.npy');
    expect(safeJoin('/srv/data', '../etc/passwd')).toBeNull();
    expect(safeJoin('/srv/data', 'a/../../x')).toBeNull();
    expect(safeJoin('/srv/data', 'a\\..\\x')).toBeNull();
    expect(safeJoin('/srv/data', 'a/\0b')).toBeNull();
  });
  it('parseRange', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('invalid');
    expect(parseRange('bytes=9-1', 100)).toBe('invalid');
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
  });
  it('zip round trip (stored and deflated members)', () => {
    const dir = tempDir('zip');
    fs.writeFileSync(path.join(dir, 'a.pqt'), Buffer.alloc(3_000_000, 7));
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ x: 'y'.repeat(1000) }));
    writeZip(path.join(dir, 'out.zip'), [
      { name: 'a.pqt', file: path.join(dir, 'a.pqt') },
      { name: 'b.json', file: path.join(dir, 'b.json') },
    ]);
    const members = readZip(fs.readFileSync(path.join(dir, 'out.zip')));
    expect(members.get('a.pqt')!.equals(Buffer.alloc(3_000_000, 7))).toBe(true);
    expect(JSON.parse(members.get('b.json')!.toString()).x).toHaveLength(1000);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

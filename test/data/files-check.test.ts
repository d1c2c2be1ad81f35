// `alyx files check` (checkFiles and the CLI command object), /sync-file-status, and the pure
// helpers of the file server and the zip writer.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { checkFiles, FileCheckError } from '../../src/apps/data/file-check.ts';
import { cli } from '../../src/apps/data/cli.ts';
import { parseRange, safeJoin } from '../../src/apps/data/serve-files.ts';
import { readZip, writeZip } from '../../src/apps/data/zip.ts';
import { makeLab, makeRepository, makeSession, makeSubject, tempDir } from './fixtures.ts';

let t: TestApp;
let share: string;
let dataDir: string;
beforeAll(async () => {
  share = tempDir('check');
  t = await startTestApp({ dataDir: tempDir('checkdata'), repositoryDirs: { srv: share } });
  dataDir = t.config.dataDir;
  const lab = await makeLab(t, 'checklab');
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

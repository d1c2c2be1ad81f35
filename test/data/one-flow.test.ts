// The ONE-style flow over plain HTTP: a session, register 10 files in 2 collections with a
// revision, list them with ONE's filters, download one through the repository URL with a Range
// request, fetch /cache/info/ and /cache.zip and read the tables back.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { startTestApp, type TestApp } from '../helpers.ts';
import { readZip } from '../../src/apps/data/zip.ts';
import { buildCacheTables } from '../../src/apps/data/cache-tables.ts';
import { hashPassword } from '../../src/rest/auth.ts';
import { makeLab, makeRepository, makeSession, makeSubject, tempDir } from './fixtures.ts';

let t: TestApp;
let share: string;
let dataDir: string;
let eid: string;
const SESSION_DIR = 'ZM_1085/2019-02-12/002';
const FILES = [
  'alf/_ibl_trials.table.pqt',
  'alf/_ibl_wheel.position.npy',
  'alf/_ibl_wheel.timestamps.npy',
  'alf/spikes.times.npy',
  'alf/spikes.clusters.npy',
  'raw_behavior_data/_iblrig_taskData.raw.jsonable',
  'raw_behavior_data/_iblrig_taskSettings.raw.json',
  'raw_behavior_data/_iblrig_encoderPositions.raw.ssv',
  'raw_behavior_data/_iblrig_encoderEvents.raw.ssv',
  'alf/#2024-01-01#/_ibl_wheel.position.npy',
];
const content = (f: string) => Buffer.from(`content of ${f}\n`.repeat(50));
const md5 = (b: Buffer) => crypto.createHash('md5').update(b).digest('hex');

beforeAll(async () => {
  share = tempDir('share');
  dataDir = tempDir('data');
  t = await startTestApp({ dataDir, repositoryDirs: { cortexlab_server: share } });
  const lab = await makeLab(t, 'cortexlab');
  const subject = await makeSubject(t, 'ZM_1085', lab.id);
  const s = await makeSession(t, subject.id, lab.id, '2019-02-12T10:00:00', 2, { task_protocol: 'ephysChoiceWorld' });
  eid = s.id;
  await makeRepository(t, { name: 'cortexlab_server', globus_is_personal: false, data_url: 'http://localhost:80/cortexlab/Subjects/' }, [lab.id]);
  await makeRepository(t, { name: 'cortexlab_rig', globus_is_personal: true }, [lab.id]);
  for (const [name, filename_pattern] of [
    ['trials.table', ''],
    ['wheel.position', ''],
    ['wheel.timestamps', '*wheel.timestamps*'],
    ['_iblrig_taskData.raw', '_iblrig_taskData.raw*'],
    ['_iblrig_taskSettings.raw', '_iblrig_taskSettings.raw*'],
    ['_iblrig_encoderPositions.raw', '_iblrig_encoderPositions.raw*'],
    ['_iblrig_encoderEvents.raw', '_iblrig_encoderEvents.raw*'],
  ]) {
    expect((await t.post('/dataset-types', { name, filename_pattern })).status).toBe(201);
  }
  for (const f of FILES) {
    const file = path.join(share, SESSION_DIR, f);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content(f));
  }
});
afterAll(async () => {
  await t?.close();
  for (const d of [share, dataDir, path.join(path.dirname(share), 'secret.txt')]) fs.rmSync(d, { recursive: true, force: true });
});

describe('ONE flow', () => {
  let registered: any[];
  it('registers 10 files in 2 collections with a revision', async () => {
    const r = await t.post('/register-file', {
      created_by: 'test_admin',
      path: SESSION_DIR,
      filenames: FILES,
      hashes: FILES.map((f) => md5(content(f))),
      filesizes: FILES.map((f) => content(f).length),
      name: 'cortexlab_server',
      exists: true,
      server_only: false,
      default: true,
      versions: FILES.map(() => '2.1.0'),
      check_protected: true,
      labs: 'cortexlab',
    });
    expect(r.status === 201 ? 201 : r.body).toBe(201);
    registered = r.body;
    expect(registered).toHaveLength(10);
    const first = registered[0];
    expect(Object.keys(first)).toEqual([
      'id', 'name', 'file_size', 'subject', 'created_by', 'created_datetime', 'dataset_type', 'data_format', 'session',
      'session_number', 'session_users', 'session_start_time', 'collection', 'revision', 'default', 'qc', 'file_records',
    ]);
    expect(first).toMatchObject({
      name: '_ibl_trials.table.pqt',
      subject: 'ZM_1085',
      created_by: 'test_admin',
      dataset_type: 'trials.table',
      data_format: 'parquet',
      session: eid,
      session_number: 2,
      session_users: 'test_admin',
      session_start_time: '2019-02-12T10:00:00',
      collection: 'alf',
      revision: '',
      default: true,
      qc: 0,
    });
    expect(first.file_records.map((x: any) => [x.data_repository, x.relative_path, x.exists])).toEqual([
      ['cortexlab_rig', 'ZM_1085/2019-02-12/002/alf/_ibl_trials.table.pqt', false],
      ['cortexlab_server', 'ZM_1085/2019-02-12/002/alf/_ibl_trials.table.pqt', true],
    ]);
    expect(Object.keys(first.file_records[0])).toEqual(['id', 'data_repository', 'relative_path', 'exists']);
    const rev = registered[9];
    expect(rev).toMatchObject({ name: '_ibl_wheel.position.npy', collection: 'alf', revision: '2024-01-01', default: true });
    expect(rev.file_records[1].relative_path).toBe('ZM_1085/2019-02-12/002/alf/#2024-01-01#/_ibl_wheel.position.npy');
    // the revisioned file took the default flag from the unrevisioned one
    const old = await t.get(`/datasets/${registered[1].id}`);
    expect(old.body.default_dataset).toBe(false);
    expect((await t.get('/revisions/2024-01-01')).status).toBe(200);
  });

  it('lists datasets of the session as ONE reads them', async () => {
    const r = await t.get(`/datasets?session=${eid}&limit=100`);
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(10);
    const d = r.body.results.find((x: any) => x.name === '_ibl_trials.table.pqt');
    expect(Object.keys(d)).toEqual([
      'url', 'name', 'created_by', 'created_datetime', 'dataset_type', 'data_format', 'collection', 'session', 'file_size', 'hash',
      'version', 'experiment_number', 'file_records', 'auto_datetime', 'revision', 'default_dataset', 'protected', 'public', 'tags', 'qc', 'json',
    ]);
    expect(d.url.slice(-36)).toBe(registered[0].id);
    expect(d.session).toBe(`http://localhost:80/sessions/${eid}`);
    expect(d).toMatchObject({ experiment_number: 2, revision: '', protected: 0, public: 0, tags: [], qc: 'NOT_SET', version: '2.1.0' });
    const server = d.file_records.find((x: any) => x.data_repository === 'cortexlab_server');
    expect(server.data_url).toBe(`http://localhost:80/cortexlab/Subjects/ZM_1085/2019-02-12/002/alf/_ibl_trials.table.${registered[0].id}.pqt`);
    expect(d.file_records.find((x: any) => x.data_repository === 'cortexlab_rig').data_url).toBeNull();
    const detail = await t.get(`/datasets/${registered[0].id}`);
    expect('protected' in detail.body).toBe(false);
    expect('public' in detail.body).toBe(false);

    const q = async (qs: string) => (await t.get(`/datasets?${qs}&limit=100`)).body.count;
    expect(await q(`session=${eid}&name=_ibl_trials.table.pqt`)).toBe(1);
    expect(await q(`django=session__id,${eid},dataset_type__name__in,['wheel.position','spikes.times']`)).toBe(3);
    expect(await q(`exists=True&django=id__in,['${registered[0].id}','${registered[1].id}']`)).toBe(2);
    expect(await q('django=session__isnull,True')).toBe(0);
    expect(await q('subject=ZM_1085&date=2019-02-12&experiment_number=2&lab=cortexlab')).toBe(10);
    expect(await q('collection=raw_behavior_data')).toBe(4);
    expect(await q('revision=2024-01-01')).toBe(1);
    expect(await q('dataset_type=spikes.times')).toBe(1);
    expect(await q('qc=pass')).toBe(0);
    expect(await q('qc=not_set')).toBe(10);
    expect(await q('default_dataset=false')).toBe(1);
    expect(await q('exists=False')).toBe(0);
    expect(await q('protected=False')).toBe(10);
    expect(await q('created_by=test_admin&created_date_gte=2000-01-01')).toBe(10);
    const bad = await t.get('/datasets?qc=7');
    expect(bad.body).toEqual({ qc: ['Invalid qc, choices are: CRITICAL, FAIL, WARNING, NOT_SET, PASS'], status_code: 400 });
    expect((await t.get('/datasets?date=2019-13-45')).status).toBe(400);
    expect((await t.get('/datasets?experiment_number=two')).status).toBe(400);
    const files = await t.get(`/files?dataset=${registered[0].id}&globus_is_personal=False`);
    expect(files.body.count).toBe(1);
    expect(Object.keys(files.body.results[0])).toEqual(['url', 'dataset', 'data_repository', 'name', 'json', 'relative_path', 'exists']);
    expect((await t.get('/files?data_repository=cortexlab_rig&exists=false')).body.count).toBe(10);
  });

  it('downloads a file through the repository URL, with Range, validators and auth', async () => {
    const r = await t.get(`/datasets/${registered[0].id}`);
    const url = new URL(r.body.file_records.find((x: any) => x.data_repository === 'cortexlab_server').data_url);
    const full = await t.get(url.pathname);
    expect(full.status).toBe(200);
    expect(full.text).toBe(content(FILES[0]).toString());
    expect(full.headers['content-length']).toBe(String(content(FILES[0]).length));
    expect(full.headers['accept-ranges']).toBe('bytes');
    const etag = full.headers.etag!;
    const part = await t.get(url.pathname, { headers: { range: 'bytes=8-19' } });
    expect(part.status).toBe(206);
    expect(part.text).toBe(content(FILES[0]).subarray(8, 20).toString());
    expect(part.headers['content-range']).toBe(`bytes 8-19/${content(FILES[0]).length}`);
    expect(part.headers['content-length']).toBe('12');
    expect((await t.get(url.pathname, { headers: { range: 'bytes=99999-' } })).status).toBe(416);
    const head = await t.request('HEAD', url.pathname);
    expect([head.status, head.text, head.headers['content-length']]).toEqual([200, '', String(content(FILES[0]).length)]);
    // the file also answers without the dataset UUID in its name
    expect((await t.get(url.pathname.replace(`.${registered[0].id}`, ''))).text).toBe(content(FILES[0]).toString());
    expect((await t.get(url.pathname, { headers: { 'if-none-match': etag } })).status).toBe(304);
    // authentication: none → 401 with a Basic challenge; Basic with a member's password works
    const anon = await t.get(url.pathname, { token: null });
    expect(anon.status).toBe(401);
    expect(anon.headers['www-authenticate']).toMatch(/^Basic realm=/);
    await t.createUser('reader', { password: await hashPassword('secret-pw', 1000) });
    const basic = await t.get(url.pathname, { token: null, headers: { authorization: `Basic ${Buffer.from('reader:secret-pw').toString('base64')}` } });
    expect(basic.status).toBe(200);
    const wrong = await t.get(url.pathname, { token: null, headers: { authorization: `Basic ${Buffer.from('reader:nope').toString('base64')}` } });
    expect(wrong.status).toBe(401);
    // traversal refused
    fs.writeFileSync(path.join(path.dirname(share), 'secret.txt'), 'secret');
    // (a client resolves a literal or %2e%2e segment before sending; the server must refuse either way)
    const esc = await t.get('/cortexlab/Subjects/%2e%2e/secret.txt');
    expect([403, 404]).toContain(esc.status);
    expect(esc.text).not.toContain('secret');
    const esc2 = await t.get('/cortexlab/Subjects/ZM_1085/..%2F..%2F..%2Fsecret.txt');
    expect(esc2.status).toBe(403);
    expect((await t.get('/cortexlab/Subjects/ZM_1085/none.npy')).status).toBe(404);
  });

  it('serves the cache tables', async () => {
    const info = await t.get('/cache/info/');
    expect(info.status).toBe(200);
    expect(Object.keys(info.body)).toEqual(['date_created', 'origin', 'min_api_version', 'tables']);
    expect(info.body.date_created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(info.body).toMatchObject({ origin: 'cortexlab', min_api_version: '2.10', tables: { sessions: { nrecs: 1 }, datasets: { nrecs: 10 } } });
    expect((await t.get('/cache/info')).status).toBe(200);
    expect((await t.get('/cache/info/nope/')).text).toBe('Tag matching query does not exist.');
    const zip = await t.request('GET', '/cache.zip');
    expect(zip.status).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    const raw = await t.app.inject({ method: 'GET', url: '/cache.zip', headers: { authorization: `Token ${t.adminToken}` } });
    expect(raw.headers['content-length']).toBe(String(raw.rawPayload.length));
    const members = readZip(raw.rawPayload);
    expect([...members.keys()]).toEqual(['sessions.pqt', 'datasets.pqt', 'cache_info.json']);
    const toAb = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

    const sess = toAb(members.get('sessions.pqt')!);
    const smeta = parquetMetadata(sess);
    expect(smeta.schema.slice(1).map((s) => [s.name, s.type, s.converted_type])).toEqual([
      ['lab', 'BYTE_ARRAY', 'UTF8'],
      ['subject', 'BYTE_ARRAY', 'UTF8'],
      ['date', 'INT32', 'DATE'],
      ['number', 'INT32', 'UINT_16'],
      ['task_protocol', 'BYTE_ARRAY', 'UTF8'],
      ['projects', 'BYTE_ARRAY', 'UTF8'],
      ['id', 'BYTE_ARRAY', 'UTF8'],
    ]);
    const kv = Object.fromEntries((smeta.key_value_metadata ?? []).map((x) => [x.key, x.value]));
    expect(JSON.parse(kv.one_metadata!)).toEqual({ date_created: info.body.date_created, origin: 'cortexlab', min_api_version: '2.10' });
    expect(JSON.parse(kv.pandas!).index_columns).toEqual(['id']);
    const srows = await parquetReadObjects({ file: sess });
    expect(srows).toHaveLength(1);
    expect(srows[0]).toMatchObject({ lab: 'cortexlab', subject: 'ZM_1085', number: 2, task_protocol: 'ephysChoiceWorld', projects: '', id: eid });
    expect(new Date(srows[0].date as Date).toISOString().slice(0, 10)).toBe('2019-02-12');

    const ds = toAb(members.get('datasets.pqt')!);
    const dmeta = parquetMetadata(ds);
    expect(dmeta.schema.slice(1).map((s) => s.name)).toEqual(['file_size', 'hash', 'default_revision', 'qc', 'exists', 'rel_path', 'eid', 'id']);
    expect(dmeta.schema[1]).toMatchObject({ type: 'INT64', converted_type: 'UINT_64' });
    expect(JSON.parse(Object.fromEntries((dmeta.key_value_metadata ?? []).map((x) => [x.key, x.value])).pandas!).index_columns).toEqual(['eid', 'id']);
    const drows = await parquetReadObjects({ file: ds });
    expect(drows).toHaveLength(10);
    const ids = drows.map((r) => r.id as string);
    expect(ids).toEqual([...ids].sort());
    const revRow = drows.find((r) => r.id === registered[9].id)!;
    expect(revRow).toMatchObject({ eid, rel_path: 'alf/#2024-01-01#/_ibl_wheel.position.npy', qc: 'NOT_SET', exists: true, default_revision: true, hash: md5(content(FILES[9])) });
    expect(Number(revRow.file_size)).toBe(content(FILES[9]).length);
    expect(JSON.parse(members.get('cache_info.json')!.toString()).tables.datasets.nrecs).toBe(10);
  });

  it('serves tagged cache tables', async () => {
    expect((await t.post('/tags', { name: 'release_2024', public: true })).status).toBe(201);
    expect((await t.patch(`/datasets/${registered[3].id}`, { tags: ['release_2024'] })).status).toBe(200);
    const info = await t.get('/cache/info/release_2024/');
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ database_tags: ['release_2024'], tables: { sessions: { nrecs: 1 }, datasets: { nrecs: 1 } } });
    expect(info.body.location).toBe('http://localhost:80/cache.zip?tag=release_2024');
    const zip = await t.app.inject({ method: 'GET', url: '/cache.zip?tag=release_2024', headers: { authorization: `Token ${t.adminToken}` } });
    expect(zip.statusCode).toBe(200);
    const members = readZip(zip.rawPayload);
    expect(JSON.parse(members.get('cache_info.json')!.toString()).database_tags).toEqual(['release_2024']);
    expect((await t.get('/cache.zip?tag=nope')).status).toBe(404);
    expect((await t.get('/datasets?public=True')).body.count).toBe(1);
  });

  it('writes qc as an ordered dictionary whatever the values of each row group', async () => {
    const labels = ['PASS', 'CRITICAL', 'FAIL', 'WARNING'];
    for (const [i, qc] of labels.entries()) expect((await t.patch(`/datasets/${registered[i].id}`, { qc })).status).toBe(200);
    const dest = tempDir('qc');
    const info = await buildCacheTables(t.services.db, { destination: dest, origin: 'x', timeZone: 'UTC', batchSize: 3, compress: false });
    expect(info.tables.datasets.nrecs).toBe(10);
    const file = fs.readFileSync(path.join(dest, 'datasets.pqt'));
    const ab = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    const meta = parquetMetadata(ab);
    expect(meta.row_groups).toHaveLength(4);
    for (const g of meta.row_groups) {
      expect(g.columns.map((c) => c.meta_data!.path_in_schema[0])).toEqual(['file_size', 'hash', 'default_revision', 'qc', 'exists', 'rel_path', 'eid', 'id']);
    }
    const kv = Object.fromEntries((meta.key_value_metadata ?? []).map((x) => [x.key, x.value]));
    expect(JSON.parse(kv.pandas!).columns.find((c: any) => c.name === 'qc')).toMatchObject({ pandas_type: 'categorical', metadata: { num_categories: 5, ordered: true } });
    expect(kv['ARROW:schema']).toBeTruthy();
    const rows = await parquetReadObjects({ file: ab });
    const byId = new Map(rows.map((r) => [r.id, r.qc]));
    labels.forEach((qc, i) => expect(byId.get(registered[i].id)).toBe(qc));
    expect(rows.filter((r) => r.qc === 'NOT_SET')).toHaveLength(6);
    fs.rmSync(dest, { recursive: true, force: true });
  });

  it('embeds the datasets in the session detail and filters sessions by their datasets', async () => {
    const r = await t.get(`/sessions/${eid}`);
    expect(r.status).toBe(200);
    const list = r.body.data_dataset_session_related;
    expect(list).toHaveLength(10);
    expect(Object.keys(list[0])).toEqual(['id', 'name', 'dataset_type', 'data_url', 'url', 'file_size', 'hash', 'version', 'collection', 'revision', 'default_revision', 'qc']);
    expect(list.every((x: any) => typeof x.data_url === 'string' && x.data_url.startsWith('http://localhost:80/cortexlab/Subjects/'))).toBe(true);
    expect(new Set(list.map((x: any) => x.default_revision))).toEqual(new Set(['True', 'False']));
    const rev = list.find((x: any) => x.id === registered[9].id);
    expect(rev.revision).toMatch(/^[0-9a-f-]{36}$/);
    const n = async (qs: string) => (await t.get(`/sessions?${qs}`)).body.count;
    expect(await n('dataset_types=spikes.times,trials.table')).toBe(1);
    expect(await n('dataset_types=spikes.times,spikes.amps')).toBe(0);
    // the trials table has qc PASS (set above): within the default dataset_qc_lte (FAIL), not within NOT_SET
    expect(await n('datasets=_ibl_trials.table.pqt,spikes.times.npy')).toBe(1);
    expect(await n('datasets=_ibl_trials.table.pqt&dataset_qc_lte=NOT_SET')).toBe(0);
    expect(await n('datasets=_ibl_trials.table.pqt&dataset_qc_lte=PASS')).toBe(1);
    expect(await n('datasets=nothing.npy')).toBe(0);
    expect(await n('dataset_qc_lte=10')).toBe(1);
    expect(await n('tag=nothing')).toBe(0);
  });
});

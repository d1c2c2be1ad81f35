// register-file and check-protected details (spec-data §3.10–3.11): errors, protection, revisions,
// re-registration, form bodies, aggregates; POST/DELETE /datasets; /new-download; query counts.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { queriesOf } from '../helpers-queries.ts';
import { makeLab, makeRepository, makeSession, makeSubject, tempDir } from './fixtures.ts';

let t: TestApp;
let dataDir: string;
let eid: string;
let subjectId: string;
const PATH = 'ZM_1085/2018-01-01/002';

beforeAll(async () => {
  dataDir = tempDir('reg');
  t = await startTestApp({ dataDir });
  const lab = await makeLab(t, 'laba');
  await makeLab(t, 'labb');
  const subject = await makeSubject(t, 'ZM_1085', lab.id);
  subjectId = subject.id;
  await makeSession(t, subject.id, lab.id, '2018-01-01T09:00:00', 1);
  eid = (await makeSession(t, subject.id, lab.id, '2018-01-01T12:00:00', 2)).id;
  await makeRepository(t, { name: 'flatiron_laba', globus_is_personal: false, data_url: 'https://data.example.org/laba/Subjects/', hostname: 'flatiron' }, [lab.id]);
  await makeRepository(t, { name: 'laba_local', globus_is_personal: true, hostname: 'rig1' }, [lab.id]);
  for (const [name, filename_pattern] of [
    ['a.b', ''],
    ['a.c', ''],
    ['a.d', ''],
    ['a.a', ''],
  ]) {
    await t.post('/dataset-types', { name, filename_pattern });
  }
  for (const [name, file_extension] of [
    ['e1', '.e1'],
    ['e2', '.e2'],
  ]) {
    await t.post('/data-formats', { name, file_extension });
  }
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const reg = (body: Record<string, unknown>, opts = {}) => t.post('/register-file', { created_by: 'test_admin', path: PATH, name: 'laba_local', ...body }, opts);

describe('register-file errors', () => {
  it('refuses anonymous calls', async () => {
    expect((await reg({ filenames: ['a.b.e1'] }, { token: null })).status).toBe(403);
  });
  it('names what is wrong', async () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ path: '' }, { detail: 'The path argument is required.' }],
      [{ path: 'foo/bar', filenames: ['a.b.e1'] }, { error: 'The path foo/bar should be `nickname/YYYY-MM-DD/n/...' }],
      [{ path: 'nobody/2018-01-01/001', filenames: ['a.b.e1'] }, { error: 'A subject with nickname "nobody" does not exist.' }],
      [{ path: 'ZM_1085/2018-01-02/001', filenames: ['a.b.e1'] }, { error: 'A base session for ZM_1085 on 2018-01-02 does not exist' }],
      [{ path: 'ZM_1085/2018-01-01/007', filenames: ['a.b.e1'] }, { error: 'A session for ZM_1085/7 on 2018-01-01 does not exist' }],
      [{ name: 'nope', filenames: ['a.b.e1'] }, { detail: 'The specified repository does not exist.' }],
      [{ filenames: ['x.y.e1'] }, { detail: 'No dataset type found for filename "x.y.e1"' }],
      [{ filenames: ['a.b.e9'] }, { detail: 'No data format with file extension ".e9" exists (file "a.b.e9").' }],
      [{ filenames: ['a.b.e1', 'a.c.e1'], hashes: ['abc'] }, { detail: '"hashes" has 1 value(s) for 2 file(s): give one value per file name (null where unknown).' }],
      [{ filenames: ['a.b.e1'], filesizes: ['big'] }, { detail: 'Invalid file size "big" for "a.b.e1".' }],
      [{ filenames: ['a.b.e1'], qc: 'SUPER' }, { detail: 'Invalid QC value "SUPER" for dataset "ZM_1085/2018-01-01/002/a.b.e1"' }],
      [{ filenames: ['a.b.e1'], labs: 'laba,nolab' }, { detail: 'One or more of the specified labs do not exist.' }],
      [{ filenames: ['x/#r1#/y/a.b.e1'] }, { detail: 'Invalid ALF path. There must be only 1 revision and it cannot containsub folders. A revision folder must be surrounded by pound signs (#).' }],
      [{ filenames: ['a+b/a.b.e1'] }, { detail: 'Invalid ALF path. Only letters, numbers, hyphen and underscores allowed. A revision folder must be surrounded by pound signs (#).' }],
      [{ filenames: ['a.b.e1'], created_by: 'ghost' }, { created_by: ['User "ghost" does not exist.'] }],
      [{ filenames: ['a.b.e1'], content_type: 'subjects.subject' }, { error: 'Both content_type and object_id should be provided together.' }],
      [{ filenames: ['a.b.e1'], content_type: 'nothing', object_id: subjectId }, { detail: 'Invalid content type: nothing' }],
      [{ filenames: ['a.b.e1'], content_type: 'subjects.subject', object_id: 'abc' }, { detail: 'Invalid object ID: abc' }],
      [{ filenames: ['a.b.e1'], hashes: ['x'.repeat(65)] }, { detail: `Invalid dataset "ZM_1085/2018-01-01/002/a.b.e1": {'hash': ['Ensure this value has at most 64 characters (it has 65).']}` }],
    ];
    for (const [body, expected] of cases) {
      const r = await reg(body);
      expect([r.status, r.body]).toEqual([400, { ...expected, status_code: 400 }]);
    }
    // nothing was written by any of them
    expect((await t.get('/datasets')).body.count).toBe(0);
  });
});

describe('register-file behaviour', () => {
  it('registers into the lab repositories; only the origin exists; users added to both sessions', async () => {
    const r = await reg({ filenames: ['test_prot/a.b.e1', 'test_prot/a.c.e1'], hashes: ['h1', null], filesizes: [10, null], versions: '1.0', qc: 'PASS' });
    expect(r.status).toBe(201);
    expect(r.body[0]).toMatchObject({ collection: 'test_prot', revision: '', default: true, qc: 10, file_size: 10, session_users: 'test_admin', session_number: 2 });
    expect(r.body[0].file_records.map((f: any) => [f.data_repository, f.exists])).toEqual([
      ['flatiron_laba', false],
      ['laba_local', true],
    ]);
    const d = await t.get(`/datasets/${r.body[1].id}`);
    expect(d.body).toMatchObject({ version: '1.0', hash: '', file_size: null, qc: 'PASS' });
    const numeric = await reg({ filenames: ['num/a.b.e1', 'num/a.c.e1'], qc: 30 });
    expect(numeric.body.map((x: any) => x.qc)).toEqual([30, 30]);
  });
  it('re-registering with the same hash leaves records alone; a new hash resets them', async () => {
    const ds = (await t.get('/datasets?name=a.b.e1&collection=test_prot')).body.results[0];
    const flat = ds.file_records.find((f: any) => f.data_repository === 'flatiron_laba');
    await t.patch(`/files/${flat.id}`, { exists: true, json: { transfer_pending: true } });
    const same = await reg({ filenames: ['test_prot/a.b.e1'], hashes: ['h1'], name: 'flatiron_laba', server_only: 'false' });
    expect(same.body[0].id).toBe(ds.url.slice(-36));
    expect(same.body[0].file_records.map((f: any) => f.exists)).toEqual([true, true]);
    const changed = await reg({ filenames: ['test_prot/a.b.e1'], hashes: ['h2'], name: 'flatiron_laba' });
    expect(changed.body[0].file_records.map((f: any) => [f.data_repository, f.exists])).toEqual([
      ['flatiron_laba', true],
      ['laba_local', false],
    ]);
    expect((await t.get(`/files/${flat.id}`)).body.json).toBeNull();
    // server_only: only server repositories, all existing; exists=false (a JSON bool) overrides
    const so = await reg({ filenames: ['a.d.e1'], server_only: true, name: undefined });
    expect(so.body[0].file_records.map((f: any) => [f.data_repository, f.exists])).toEqual([['flatiron_laba', true]]);
    const ne = await reg({ filenames: ['a.d.e2'], exists: false });
    expect(ne.body[0].file_records.map((f: any) => f.exists)).toEqual([false, false]);
  });
  it('accepts a <lab>/Subjects/ prefix and takes the lab from it', async () => {
    const r = await reg({ path: `labb/Subjects/${PATH}`, filenames: ['prefixed/a.b.e1'] });
    expect(r.status).toBe(201);
    // labb has no repositories: only the origin repository gets a record
    expect(r.body[0].file_records.map((f: any) => [f.data_repository, f.relative_path])).toEqual([['laba_local', `${PATH}/prefixed/a.b.e1`]]);
    const bad = await reg({ path: `nolab/Subjects/${PATH}`, filenames: ['prefixed/a.b.e1'] });
    expect(bad.body).toEqual({ detail: 'One or more of the specified labs do not exist.', status_code: 400 });
  });

  it('form bodies: comma-separated lists and string-bools', async () => {
    const r = await reg({ filenames: 'form/a.b.e1,form/a.c.e2', hashes: 'f1,f2', filesizes: '1,2', exists: 'true', default: 'True' }, { form: true });
    expect(r.status).toBe(201);
    expect(r.body.map((x: any) => [x.collection, x.file_size, x.default])).toEqual([
      ['form', 1, true],
      ['form', 2, true],
    ]);
    // "true" is not "True": exists is false
    expect(r.body[0].file_records.every((f: any) => f.exists === false)).toBe(true);
  });
  it('revisions: new revision takes the default; default=false leaves others', async () => {
    const a = await reg({ filenames: ['rev/a.b.e1'] });
    const b = await reg({ filenames: ['rev/#v2#/a.b.e1'] });
    expect(b.body[0].revision).toBe('v2');
    expect((await t.get(`/datasets/${a.body[0].id}`)).body.default_dataset).toBe(false);
    const c = await reg({ filenames: ['rev/#v3#/a.b.e1'], default: false });
    expect(c.body[0].default).toBe(false);
    expect((await t.get(`/datasets/${b.body[0].id}`)).body.default_dataset).toBe(true);
    expect((await t.get('/datasets?name=a.b.e1&collection=rev&revision=v3')).body.results[0].revision).toBe('v3');
  });
  it('protected datasets: check_protected 403 with details, plain 403 otherwise, check-protected with a JSON GET body', async () => {
    await t.post('/tags', { name: 'prot', protected: true });
    const ds = (await t.get('/datasets?name=a.c.e1&collection=test_prot')).body.results[0];
    const id = ds.url.slice(-36);
    expect((await t.patch(`/datasets/${id}`, { tags: ['prot'] })).status).toBe(200);
    const r = await reg({ filenames: ['test_prot/a.c.e1', 'test_prot/a.b.e1', 'test_prot/a.a.e1'], check_protected: true });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({
      error: 'One or more datasets is protected',
      details: [{ 'test_prot/a.c.e1': [{ '': true }] }, { 'test_prot/a.b.e1': [{ '': false }] }, { 'test_prot/a.a.e1': [] }],
      status_code: 403,
    });
    const plain = await reg({ filenames: ['test_prot/a.c.e1'] });
    expect(plain.body).toEqual({ detail: `Dataset ${id} is protected, cannot patch`, status_code: 403 });
    const check = await t.request('GET', '/check-protected', { created_by: 'test_admin', path: `${PATH}/`, filenames: 'test_prot/a.c.e1' });
    expect(check.status).toBe(200);
    expect(check.body).toEqual({ status_code: 403, error: 'One or more datasets is protected', details: [{ 'test_prot/a.c.e1': [{ '': true }] }] });
    const ok = await t.get(`/check-protected?path=${PATH}&filenames=test_prot/a.b.e1`);
    expect(ok.body).toEqual({ status_code: 200, details: 'None of the datasets are protected' });
    // a protected dataset can't be deleted
    const del = await t.del(`/datasets/${id}`);
    expect(del.body).toEqual({ detail: 'Failed to delete dataset a.c.e1 due to protected tag(s) "prot"', status_code: 403 });
    expect((await t.get(`/datasets?protected=True`)).body.count).toBe(1);
    expect((await t.get(`/datasets?tag=prot`)).body.results[0].protected).toBe(1);
  });
  it('a file record path already used by another dataset is a 400', async () => {
    const r1 = await reg({ filenames: ['dup/a.b.e1'] });
    // a dataset of another type (a.b vs renamed) on the same path: force by changing the type's pattern
    await t.patch('/dataset-types/a.a', { filename_pattern: 'a.b.e1' });
    await t.patch('/dataset-types/a.b', { filename_pattern: 'zzz' });
    const r2 = await reg({ filenames: ['dup/a.b.e1'] });
    expect(r2.body).toEqual({
      detail: 'A file record for "ZM_1085/2018-01-01/002/dup/a.b.e1" already exists on repository "flatiron_laba" for a different dataset.',
      status_code: 400,
    });
    await t.patch('/dataset-types/a.a', { filename_pattern: '' });
    await t.patch('/dataset-types/a.b', { filename_pattern: '' });
    expect(r1.status).toBe(201);
  });
  it('aggregates: content_type + object_id', async () => {
    const r = await t.post('/register-file', {
      path: 'Subjects/laba/ZM_1085',
      filenames: ['#2026-01-01#/a.a.e1'],
      name: 'flatiron_laba',
      content_type: 'subjects.subject',
      object_id: subjectId,
    });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body[0])).toEqual([
      'id', 'name', 'file_size', 'subject', 'created_by', 'created_datetime', 'dataset_type', 'data_format', 'content_type',
      'object_id', 'collection', 'revision', 'default', 'qc', 'file_records',
    ]);
    expect(r.body[0]).toMatchObject({ subject: 'ZM_1085', content_type: 'subjects.subject', object_id: subjectId, collection: 'Subjects/laba/ZM_1085', revision: '2026-01-01' });
    expect(r.body[0].file_records[0].relative_path).toBe('Subjects/laba/ZM_1085/#2026-01-01#/a.a.e1');
    expect((await t.get('/datasets?django=session__isnull,True')).body.count).toBe(1);
    const noRepo = await t.post('/register-file', { path: 'Subjects/laba', filenames: ['a.a.e1'], content_type: 'subject', object_id: subjectId });
    expect(noRepo.body.detail).toBe('A valid repository name or hostname must be provided for non-session datasets.');
  });
});

describe('POST /datasets, /files, /new-download', () => {
  it('file records: unique (repository, path), dataset URL input, path validation', async () => {
    const d = (await t.get('/datasets?collection=form')).body.results[0];
    const before = d.auto_datetime;
    const r = await t.post('/files', { dataset: d.url, data_repository: 'laba_local', relative_path: 'extra/copy.e1' });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(['url', 'dataset', 'data_repository', 'name', 'json', 'relative_path', 'exists']);
    expect(r.body.exists).toBe(false);
    expect((await t.get(d.url.replace('http://localhost:80', ''))).body.auto_datetime >= before).toBe(true);
    const dup = await t.post('/files', { dataset: d.url, data_repository: 'laba_local', relative_path: 'extra/copy.e1' });
    expect(dup.body).toEqual({ non_field_errors: ['The fields data_repository, relative_path must make a unique set.'], status_code: 400 });
    const bad = await t.post('/files', { dataset: d.url, data_repository: 'laba_local', relative_path: 'C:\\x' });
    expect(bad.body).toEqual({ relative_path: ['Invalid path'], status_code: 400 });
    expect((await t.get('/files?lab=laba&relative_path=extra/copy.e1')).body.count).toBe(1);
  });

  it('creates by subject/date/number with the upstream quirks, flips the default', async () => {
    const r = await t.post('/datasets', { name: 'some-dataset', dataset_type: 'a.b', data_format: 'e1', subject: 'ZM_1085', date: '2018-01-01', number: 2, collection: 'test_path', qc: 'PASS' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ created_by: null, revision: '', default_dataset: true, qc: 'PASS', session: `http://localhost:80/sessions/${eid}` });
    expect('protected' in r.body).toBe(false);
    const again = await t.post('/datasets', { name: 'some-dataset', dataset_type: 'a.b', session: `http://localhost:80/sessions/${eid}`, collection: 'test_path' });
    expect(again.body.created_by).toBe('test_admin');
    expect(again.body.data_format).toBe('unknown');
    expect((await t.get(`/datasets/${r.body.url.slice(-36)}`)).body.default_dataset).toBe(false);
    expect((await t.post('/datasets', {})).body).toEqual({ name: ['This field is required.'], dataset_type: ['This field is required.'], status_code: 400 });
    expect((await t.post('/datasets', { name: 'x', dataset_type: 'a.b', qc: 'pass' })).body).toEqual({
      qc: ['Invalid qc, choices are: CRITICAL, FAIL, WARNING, NOT_SET, PASS'],
      status_code: 400,
    });
    expect((await t.post('/datasets', { name: 'x', dataset_type: 'a.b', collection: 'bad path' })).status).toBe(400);
    const missing = await t.post('/datasets', { name: 'x', dataset_type: 'a.b', subject: 'ZM_1085', date: '2018-01-01', number: 9 });
    expect(missing.body).toEqual({ session: ['A session for ZM_1085/9 on 2018-01-01 does not exist'], status_code: 400 });
    expect((await t.del(`/datasets/${again.body.url.slice(-36)}`)).status).toBe(204);
  });
  it('counts downloads', async () => {
    const ids = (await t.get('/datasets?collection=form')).body.results.map((d: any) => d.url.slice(-36));
    const r1 = await t.post('/new-download', { datasets: ids.join(','), user: 'someone-else' });
    expect(r1.status).toBe(201);
    expect(r1.body.count).toEqual([1, 1]);
    const r2 = await t.post('/new-download', { datasets: [ids[1]] });
    expect(r2.body.count).toEqual([2]);
    expect(r2.body.download[0]).toBe(r1.body.download[1]);
    const d = await t.get(`/downloads/${r2.body.download[0]}`);
    expect(d.body).toEqual({ id: r2.body.download[0], user: 'test_admin', dataset: ids[1], count: 2, json: null });
    expect((await t.get('/downloads?user=test_admin&count=2')).body.count).toBe(1);
    expect((await t.post('/new-download', { datasets: ['00000000-0000-4000-8000-000000000000'] })).status).toBe(400);
    expect((await t.post('/new-download', { datasets: ids[0], projects: 'nope' })).body).toEqual({ projects: ['Project(s) nope do not exist.'], status_code: 400 });
    expect((await t.del(`/downloads/${r2.body.download[0]}`)).status).toBe(405);
  });
});

describe('query counts', () => {
  it('register-file and GET /datasets?session= do not run a query per file', async () => {
    const files = (n: number, c: string) => Array.from({ length: n }, (_, i) => `${c}/a.b${i}.e1`.replace('a.b', `a.b`)).map((f, i) => f.replace(`a.b${i}`, `a.b.x${i}`));
    await reg({ filenames: files(1, 'warmup') }); // first-time side effects (session parent) out of the way
    const small = await queriesOf(t, () => reg({ filenames: files(2, 'qc2'), hashes: [null, null], filesizes: [1, 2] }));
    const big = await queriesOf(t, () => reg({ filenames: files(100, 'qc100'), hashes: Array(100).fill('h'), filesizes: Array(100).fill(3) }));
    expect((await t.get('/datasets?collection=qc100')).body.count).toBe(100);
    expect(big.length).toBe(small.length);
    expect(big.length).toBeLessThan(40);
    // re-registering (updates instead of inserts) is batched too
    const again = await queriesOf(t, () => reg({ filenames: files(100, 'qc100'), hashes: Array(100).fill('h2') }));
    expect(again.length).toBeLessThan(40);
    const list2 = await queriesOf(t, () => t.get(`/datasets?session=${eid}&collection=qc2`));
    const list100 = await queriesOf(t, () => t.get(`/datasets?session=${eid}&collection=qc100`));
    expect(list100.length).toBe(list2.length);
    expect(list100.length).toBeLessThan(20);
  });
});

// Reference endpoints of the data app: repository types, repositories, formats, dataset types,
// revisions, tags, data notices (spec-data §3.1–3.6, §9.6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

describe('seeded reference data', () => {
  it('serves data formats by name with upstream keys', async () => {
    const r = await t.get('/data-formats/npy');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: 'e7b3d18f-5f58-4eea-994b-0e1f6ff87c2c',
      json: null,
      name: 'npy',
      description: 'npy-formatted square numerical array',
      file_extension: '.npy',
      matlab_loader_function: 'readNPY',
      python_loader_function: 'numpy.load',
    });
    const list = await t.get('/data-formats?limit=1000');
    expect(list.body.count).toBe(28);
  });
  it('serves dataset types with dotted names and "" for an empty pattern', async () => {
    const r = await t.get('/dataset-types/spikes.times');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['id', 'name', 'created_by', 'description', 'filename_pattern']);
    expect(r.body.filename_pattern).toBe('*spikes.times*.npy');
    expect(r.body.created_by).toBeNull();
    const list = await t.get('/dataset-types?limit=1000');
    expect(list.body.count).toBe(113);
    expect(list.body.results.every((x: { filename_pattern: unknown }) => typeof x.filename_pattern === 'string')).toBe(true);
  });
  it('serves repository types with a url', async () => {
    const r = await t.get('/data-repository-type/Fileserver');
    expect(r.body).toEqual({ url: 'http://localhost:80/data-repository-type/Fileserver', json: null, name: 'Fileserver' });
  });
});

describe('writes', () => {
  it('creates a repository (no id, no url) and validates hostname and data_url', async () => {
    const r = await t.post('/data-repository', {
      name: 'aws_cortexlab',
      hostname: 'aws_cortexlab',
      data_url: 'http://whatever.com/',
      repository_type: 'Fileserver',
      globus_is_personal: false,
      json: { bucket_name: 's3_bucket' },
    });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual([
      'name', 'timezone', 'globus_path', 'hostname', 'data_url', 'repository_type', 'globus_endpoint_id', 'globus_is_personal', 'json',
    ]);
    expect(r.body.timezone).toBe('Europe/London');
    const bad = await t.post('/data-repository', { name: 'x', hostname: 'bad host', data_url: 'nope', repository_type: 'Nope' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      hostname: ['Invalid hostname'],
      data_url: ['Enter a valid URL.'],
      repository_type: ['Object with name=Nope does not exist.'],
      status_code: 400,
    });
    const filtered = await t.get('/data-repository?globus_is_personal=false');
    expect(filtered.body.results.map((x: { name: string }) => x.name)).toEqual(['aws_cortexlab']);
    const lab = await t.post('/labs', { name: 'repolab', repositories: ['aws_cortexlab'] });
    expect(lab.status).toBe(201);
    expect(lab.body.repositories).toEqual(['aws_cortexlab']);
    expect((await t.get('/labs/repolab')).body.repositories).toEqual(['aws_cortexlab']);
  });
  it('validates format extensions and lower-cases dataset type patterns', async () => {
    const f = await t.post('/data-formats', { name: 'weird', file_extension: 'npy' });
    expect(f.body).toEqual({ file_extension: ['Invalid file extension, should start with a dot'], status_code: 400 });
    const d = await t.post('/dataset-types', { name: 'foo.bar', filename_pattern: '*FOO.Bar*' });
    expect(d.status).toBe(201);
    expect(d.body.filename_pattern).toBe('*foo.bar*');
    expect(d.body.created_by).toBe('test_admin');
    const blank1 = await t.post('/dataset-types', { name: 'blank.one', filename_pattern: '' });
    const blank2 = await t.post('/dataset-types', { name: 'blank.two', filename_pattern: '' });
    expect([blank1.status, blank2.status]).toEqual([201, 201]);
    expect(blank2.body.filename_pattern).toBe('');
  });
  it('revisions: key order, name validation, 404 by name', async () => {
    const r = await t.post('/revisions', { name: 'ks2.1', description: 'Kilosort 2.1', created_datetime: '2021-05-24T12:02:01.205839' });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(['id', 'json', 'name', 'description', 'created_datetime']);
    expect(r.body.created_datetime).toBe('2021-05-24T12:02:01.205839');
    const bad = await t.post('/revisions', { name: 'a b' });
    expect(bad.body).toEqual({ name: ['Revisions must only contain letters, numbers, hyphens, underscores and forward slashes.'], status_code: 400 });
    expect((await t.get('/revisions?name=ks2.1')).body.count).toBe(1);
    expect((await t.get('/revisions/foobar')).body).toEqual({ detail: 'No Revision matches the given query.', status_code: 404 });
  });
  it('tags', async () => {
    const r = await t.post('/tags', { name: 'foo_tag', protected: true });
    expect(r.body).toEqual({ id: r.body.id, json: null, name: 'foo_tag', description: '', protected: true, public: false, hash: null });
    expect((await t.get('/tags/foo_tag')).status).toBe(200);
  });
  it('data notices: markdown html, importance, date order check, ordering', async () => {
    const a = await t.post('/data-notices', { name: 'a', description: '# Title\n\nSome **bold** <b>text</b>', importance: 40 });
    expect(a.status).toBe(201);
    expect(Object.keys(a.body)).toEqual([
      'id', 'created_by', 'datasets', 'description_html', 'name', 'json', 'description', 'importance', 'created_datetime',
      'version_affected', 'affected_date_start', 'affected_date_end',
    ]);
    expect(a.body.description_html).toBe('<h1>Title</h1>\n<p>Some <strong>bold</strong> &lt;b&gt;text&lt;/b&gt;</p>');
    expect(a.body.created_by).toBe('test_admin');
    await t.post('/data-notices', { name: 'b', importance: 50 });
    const bad = await t.post('/data-notices', { name: 'c', affected_date_start: '2024-02-01', affected_date_end: '2024-01-01' });
    expect(bad.body).toEqual({ affected_date_end: ['affected_date_end must be on or after affected_date_start.'], status_code: 400 });
    const badImp = await t.post('/data-notices', { name: 'c', importance: 33 });
    expect(badImp.status).toBe(400);
    const list = await t.get('/data-notices');
    expect(list.body.results.map((x: { name: string }) => x.name)).toEqual(['b', 'a']);
    expect((await t.get('/data-notices?importance=40')).body.count).toBe(1);
    expect((await t.get('/data-notices?datasets=nope')).status).toBe(400);
  });
});

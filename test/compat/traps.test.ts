// One test per compatibility trap of spec-core §7 and spec-data §10 that applies to this server.
// Traps tested in depth elsewhere get a short check here that names the test that owns them;
// traps that do not apply say why in a comment.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { PY310_ISO } from './one-like.ts';

let t: TestApp;
let eid: string;
let reg: any[]; // eslint-disable-line
const md5 = (s: string) => crypto.createHash('md5').update(s).digest('hex');

beforeAll(async () => {
  t = await startTestApp();
  const ok = (r: { status: number; body: unknown }, status = 201) => expect(r.status === status ? status : r.body).toBe(status);
  ok(await t.post('/data-repository', { name: 'flatiron_hoferlab', globus_is_personal: false, data_url: 'https://data.example.org/hoferlab/Subjects/' }));
  ok(await t.post('/labs', { name: 'hoferlab', repositories: ['flatiron_hoferlab'] }));
  ok(await t.post('/subjects', { nickname: 'KS055', lab: 'hoferlab' }));
  const s = await t.post('/sessions', { subject: 'KS055', lab: 'hoferlab', number: 2, start_time: '2021-05-10T17:47:13.833000', task_protocol: 'ephys' });
  ok(s);
  eid = s.body.id;
  for (const name of ['trials.table', 'wheel.position']) ok(await t.post('/dataset-types', { name, filename_pattern: '' }));
  const r = await t.post('/register-file', {
    path: 'KS055/2021-05-10/002',
    filenames: ['alf/_ibl_trials.table.pqt', 'alf/#2024-01-01#/_ibl_wheel.position.npy'],
    hashes: [md5('a'), md5('b')],
    filesizes: [1, 1],
    name: 'flatiron_hoferlab',
  });
  ok(r);
  reg = r.body;
});
afterAll(async () => {
  await t?.close();
});

describe('spec-core §7', () => {
  it('1. every list endpoint is paginated with count, next, previous, results in that order', async () => {
    const doc = (await t.get('/api/schema', { headers: { accept: 'application/vnd.oai.openapi+json' } })).body;
    const lists = Object.entries(doc.paths as Record<string, Record<string, { parameters?: Array<{ name: string }> }>>)
      .filter(([p, ops]) => !p.includes('{') && ops.get?.parameters?.some((x) => x.name === 'limit'))
      .map(([p]) => p);
    expect(lists.length).toBeGreaterThan(40);
    for (const p of lists) {
      const r = await t.get(`${p}?limit=1`);
      expect(r.status, p).toBe(200);
      expect(Object.keys(r.body), p).toEqual(['count', 'next', 'previous', 'results']);
    }
    // default page size 250 (written into the links), limit capped at 1000
    const prev = await t.get('/labs?offset=1');
    expect(prev.body.previous).toBe('http://localhost:80/labs?limit=250');
    const capped = await t.get('/labs?limit=5000&offset=1');
    expect(capped.body.previous).toBe('http://localhost:80/labs?limit=1000');
  });

  it('2. authentication failures are 403 with the DRF texts', async () => {
    expect((await t.get('/sessions', { token: null })).body).toEqual({ detail: 'Authentication credentials were not provided.', status_code: 403 });
    const bad = await t.get('/sessions', { token: '0'.repeat(40) });
    expect(bad.status).toBe(403);
    expect(bad.text).toContain('"Invalid token."');
  });

  it('3. every error body is a JSON object with status_code', async () => {
    for (const [method, url, body, status] of [
      ['GET', '/subjects/nobody', undefined, 404],
      ['PATCH', '/weighings/00000000-0000-4000-8000-000000000000', { weight: 1 }, 405],
      ['POST', '/sessions', { subject: 'nobody' }, 400],
      ['GET', '/datasets?qc=bogus', undefined, 400],
      ['GET', '/sessions?django=nope,1', undefined, 400],
    ] as const) {
      const r = await t.request(method, url, body);
      expect(r.status, url).toBe(status);
      expect(r.body.status_code, url).toBe(status);
    }
  });

  it('4. no trailing slashes; detail URLs end with the 36-character UUID', async () => {
    expect((await t.get('/sessions/')).status).toBe(404);
    const s = await t.get(`/sessions/${eid}`);
    expect(s.body.url.slice(-36)).toBe(eid);
    expect((await t.get('/subjects/KS055')).body.url).toBe('http://localhost:80/subjects/KS055');
  });

  // 5. /api/schema and the coreapi fallback: one-client.test.ts ("/api/schema as ONE reads it", "coreapi fallback").

  it('6. natural keys, with the upstream exceptions (parent_session URL, water administration session UUID)', async () => {
    const child = await t.post('/sessions', { subject: 'KS055', lab: 'hoferlab', number: 3, start_time: '2021-05-11T09:00:00', parent_session: `http://localhost:80/sessions/${eid}` });
    expect(child.status).toBe(201);
    expect(child.body.parent_session).toBe(`http://localhost:80/sessions/${eid}`);
    expect(child.body).toMatchObject({ subject: 'KS055', lab: 'hoferlab', users: ['test_admin'] });
    const wa = await t.post('/water-administrations', { subject: 'KS055', water_administered: 0.5, session: eid, date_time: '2021-05-10T18:00:00' });
    expect(wa.status).toBe(201);
    expect(wa.body.session).toBe(eid);
    // automatic FK filters take UUIDs
    expect((await t.get(`/sessions?parent_session=${eid}`)).body.count).toBe(1);
  });

  // 7. genotype strings vs objects: test/subjects/subjects.test.ts (subject list and detail shapes).

  it('8. qc is an upper-case name; ?qc= is case-insensitive; a bad value is a 400 (upstream: 500)', async () => {
    const p = await t.patch(`/sessions/${eid}`, { qc: 'WARNING' });
    expect(p.body.qc).toBe('WARNING');
    expect((await t.get('/sessions?qc=warning')).body.count).toBe(1);
    expect((await t.get('/sessions?qc= Warning ')).body.count).toBe(1);
    const bad = await t.get('/sessions?qc=bogus');
    expect(bad.status).toBe(400);
    expect(bad.body.qc ?? bad.body.detail).toBeTruthy();
    expect((await t.patch(`/sessions/${eid}`, { qc: 40 })).status).toBe(400);
  });

  it('9. JSON fields are replaced, never merged', async () => {
    await t.patch(`/sessions/${eid}`, { extended_qc: { a: 1, b: true } });
    const r = await t.patch(`/sessions/${eid}`, { extended_qc: { c: 0.5 } });
    expect(r.body.extended_qc).toEqual({ c: 0.5 });
    expect((await t.get('/sessions?extended_qc=c__gte,0.4')).body.count).toBe(1);
    expect((await t.get('/sessions?extended_qc=c__lt,0.4')).body.count).toBe(0);
  });

  it('10. django=: float conversion of digits, None, booleans, literals and ~ exclusion', async () => {
    const n = async (q: string) => (await t.get(`/sessions?django=${encodeURIComponent(q)}`)).body.count;
    expect(await n('number,2')).toBe(1); // '2' becomes 2.0 and still matches the integer
    expect(await n('parent_session,None')).toBe(1);
    expect(await n('parent_session__isnull,false')).toBe(1);
    expect(await n('~number,2')).toBe(1);
    expect(await n(`pk__in,('${eid}',)`)).toBe(1);
    expect(await n('subject__nickname__in,["KS055"],start_time__date__lt,2021-05-11')).toBe(1);
    expect(await n('data_dataset_session_related__collection__iexact,ALF')).toBe(1);
  });

  it('11. declared boolean filters ignore 1/0; nickname filters are case-insensitive on sessions, not on subjects', async () => {
    const all = (await t.get('/subjects')).body.count;
    expect((await t.get('/subjects?alive=1')).body.count).toBe(all);
    expect((await t.get('/subjects?alive=false')).body.count).toBe(0);
    expect((await t.get('/sessions?subject=ks055')).body.count).toBe(2);
    expect((await t.get('/subjects?nickname=ks055')).body.count).toBe(0);
  });

  it('12. offset-aware input is stored as naive UTC; output is naive ISO Python 3.10 parses', async () => {
    const r = await t.post('/sessions', { subject: 'KS055', lab: 'hoferlab', number: 9, start_time: '2020-01-01T12:00:00+02:00' });
    expect(r.status).toBe(201);
    expect(r.body.start_time).toBe('2020-01-01T10:00:00');
    for (const s of (await t.get('/sessions')).body.results) expect(s.start_time).toMatch(PY310_ISO);
    await t.del(`/sessions/${r.body.id}`);
  });

  it('13. sessions users default to the caller when missing or empty', async () => {
    const r = await t.post('/sessions', { subject: 'KS055', lab: 'hoferlab', number: 10, start_time: '2020-02-01T12:00:00', users: [] });
    expect(r.body.users).toEqual(['test_admin']);
    await t.del(`/sessions/${r.body.id}`);
  });

  // 14. duplicate nicknames across labs: test/subjects (we keep nickname global per lab; a lookup never 500s).

  it('15. route quirks: /water-type/<name> lists, /water-restriction is singular, no PUT/PATCH on weighings, no POST on surgeries', async () => {
    const wt = await t.get('/water-type/Water');
    expect(Object.keys(wt.body)).toEqual(['count', 'next', 'previous', 'results']);
    expect((await t.get('/water-restriction')).status).toBe(200);
    const w = await t.post('/weighings', { subject: 'KS055', weight: 20, date_time: '2021-05-10T08:00:00' });
    expect((await t.patch(`/weighings/${w.body.url.slice(-36)}`, { weight: 21 })).status).toBe(405);
    expect((await t.post('/surgeries', { subject: 'KS055' })).status).toBe(405);
    expect((await t.del('/locations/x')).status).toBe(405);
  });

  it('16. fixed orderings: sessions by -start_time, subjects by nickname', async () => {
    const s = (await t.get('/sessions')).body.results.map((x: { start_time: string }) => x.start_time);
    expect(s).toEqual([...s].sort().reverse());
    await t.post('/subjects', { nickname: 'AA_001', lab: 'hoferlab' });
    const n = (await t.get('/subjects')).body.results.map((x: { nickname: string }) => x.nickname);
    expect(n).toEqual([...n].sort());
  });

  it('17. filters broken upstream on weighings/water administrations answer 200 or 400, never 500, and are in the schema', async () => {
    for (const q of ['date_range=2021-05-01,2021-05-31', 'users=test_admin', 'lab=hoferlab', 'location=x', 'date_range=2021-05-01']) {
      for (const ep of ['weighings', 'water-administrations']) expect([200, 400], `${ep}?${q}`).toContain((await t.get(`/${ep}?${q}`)).status);
    }
    const doc = (await t.get('/api/schema', { headers: { accept: 'application/json' } })).body;
    const params = doc.paths['/weighings'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['date_range', 'users', 'lab', 'location']));
  });

  // 18. water-control numbers: test/actions/water*.test.ts. 19. default_revision as a string: see spec-data 3 below.

  it('20. public users may only GET (not OPTIONS or HEAD)', async () => {
    const pub = await t.createUser('public_viewer', { is_public_user: true });
    expect((await t.get('/sessions', { token: pub.token })).status).toBe(200);
    expect((await t.request('OPTIONS', '/sessions', undefined, { token: pub.token })).status).toBe(403);
    expect((await t.request('HEAD', '/sessions', undefined, { token: pub.token })).status).toBe(403);
    expect((await t.patch(`/sessions/${eid}`, { narrative: 'x' }, { token: pub.token })).status).toBe(403);
  });

  // 21. death_date and restrictions: test/actions (only a cull closes restrictions).

  it('22. form bodies follow HTML-form semantics (POST /projects without users)', async () => {
    const r = await t.post('/projects', { name: 'form_project' }, { form: true });
    expect(r.status).toBe(201);
    expect(r.body.users).toEqual([]);
  });
});

describe('spec-data §10', () => {
  it('1. datasets and files have no id; ids come from url[-36:]; session/dataset are URLs', async () => {
    const d = (await t.get(`/datasets?session=${eid}`)).body.results[0];
    expect(d).not.toHaveProperty('id');
    expect(d.session).toBe(`http://localhost:80/sessions/${eid}`);
    const f = (await t.get(`/files?dataset=${d.url.slice(-36)}`)).body.results[0];
    expect(f).not.toHaveProperty('id');
    expect(f.dataset).toBe(d.url);
    expect(f.url).toMatch(/\/files\/[0-9a-f-]{36}$/);
  });

  it('2. protected/public are counts in dataset lists only', async () => {
    const d = (await t.get(`/datasets?session=${eid}`)).body.results[0];
    expect(d).toMatchObject({ protected: 0, public: 0 });
    const detail = (await t.get(`/datasets/${d.url.slice(-36)}`)).body;
    expect(detail).not.toHaveProperty('protected');
    expect(detail).not.toHaveProperty('public');
  });

  it('3. revision is "" when absent, the revision UUID in session detail; default_revision is a string', async () => {
    const byName = new Map((await t.get(`/datasets?session=${eid}`)).body.results.map((d: { name: string }) => [d.name, d]));
    expect((byName.get('_ibl_trials.table.pqt') as { revision: string }).revision).toBe('');
    expect((byName.get('_ibl_wheel.position.npy') as { revision: string }).revision).toBe('2024-01-01');
    const det = (await t.get(`/sessions/${eid}`)).body.data_dataset_session_related;
    const wheel = det.find((x: { name: string }) => x.name === '_ibl_wheel.position.npy');
    expect(wheel.revision).toMatch(/^[0-9a-f-]{36}$/);
    expect(det.map((x: { default_revision: unknown }) => x.default_revision)).toEqual(['True', 'True']);
  });

  it('4. qc: labels in /datasets and session detail, integers in register-file; dataset_qc_lte takes both', async () => {
    expect(reg.map((d) => d.qc)).toEqual([0, 0]);
    expect((await t.get(`/datasets?session=${eid}`)).body.results.map((d: { qc: string }) => d.qc)).toEqual(['NOT_SET', 'NOT_SET']);
    expect((await t.get('/datasets?qc=7')).status).toBe(400); // upstream: 500
    expect((await t.get('/sessions?dataset_qc_lte=10&datasets=_ibl_trials.table.pqt')).body.count).toBe(1);
    expect((await t.get('/sessions?dataset_qc_lte=PASS&datasets=_ibl_trials.table.pqt')).body.count).toBe(1);
  });

  it('5. string booleans in register-file forms: only "True" is true', async () => {
    const r = await t.post('/register-file', { path: 'KS055/2021-05-10/002', filenames: 'alf/_ibl_trials.table.pqt', name: 'flatiron_hoferlab', exists: 'true' }, { form: true });
    expect(r.status).toBe(201);
    expect(r.body[0].file_records.find((f: { data_repository: string }) => f.data_repository === 'flatiron_hoferlab').exists).toBe(false);
    const back = await t.post('/register-file', { path: 'KS055/2021-05-10/002', filenames: 'alf/_ibl_trials.table.pqt', name: 'flatiron_hoferlab', exists: 'True' }, { form: true });
    expect(back.body[0].file_records[0].exists).toBe(true);
  });

  it('6. the session number of the path is kept verbatim in relative paths', async () => {
    const r = await t.post('/register-file', { path: 'KS055/2021-05-10/2', filenames: ['alf/_ibl_wheel.position.npy'], name: 'flatiron_hoferlab' });
    expect(r.status).toBe(201);
    expect(r.body[0].file_records[0].relative_path).toBe('KS055/2021-05-10/2/alf/_ibl_wheel.position.npy');
  });

  it('7. register-file never creates a session: 400 for a missing one', async () => {
    const r = await t.post('/register-file', { path: 'KS055/2021-05-10/005', filenames: ['alf/_ibl_wheel.position.npy'] });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status_code: 400, error: 'A session for KS055/5 on 2021-05-10 does not exist' });
    expect((await t.get('/sessions?django=number,5')).body.count).toBe(0);
  });

  // 8. /check-protected GET with a JSON body, always 200: one-client.test.ts. 9. no 409: the protected
  // conflict is a 403 with error+details (one-client.test.ts), or with detail on a PATCH.

  it('10. an unknown dataset type at registration is a 400 naming the file (upstream: 500)', async () => {
    const r = await t.post('/register-file', { path: 'KS055/2021-05-10/002', filenames: ['alf/x.y.npy'] });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe('No dataset type found for filename "x.y.npy"');
  });

  // 11. the exists filter with only personal repositories and ONE needing an HTTP data_url: test/data/one-flow.test.ts
  // (a repository with globus_is_personal=false and data_url is what makes files visible to ONE).
  // 12. insertion model filter by probe model name: test/experiments/insertions.test.ts.

  it('13. session is a required key for POST /insertions and POST /tasks (null allowed); name for insertions', async () => {
    const ins = await t.post('/insertions', { name: 'probe00' });
    expect(ins.status).toBe(400);
    expect(ins.body.session).toEqual(['This field is required.']);
    expect((await t.post('/insertions', { session: eid })).body.name).toEqual(['This field is required.']);
    expect((await t.post('/insertions', { session: null, name: 'probe00' })).status).toBe(201);
    expect((await t.post('/tasks', { name: 'mytask' })).body.session).toEqual(['This field is required.']);
  });

  it('14. a new task is Waiting by default', async () => {
    const r = await t.post('/tasks', { name: 'mytask', session: eid });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('Waiting');
  });

  it('15. /cache/info answers with and without the slash; an unknown tag is a plain-text 404', async () => {
    const a = await t.get('/cache/info/');
    expect(a.status).toBe(200);
    expect(a.body.date_created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect((await t.get('/cache/info')).status).toBe(200);
    const nope = await t.get('/cache/info/nope/');
    expect(nope.status).toBe(404);
    expect(nope.text).toBe('Tag matching query does not exist.');
  });

  // 16. cache tables only from flatiron*/aws* repositories with ordered-categorical qc: test/data/one-flow.test.ts.
  // 17. viewset endpoints are AllowAny upstream: deliberately authenticated here (ONE always sends its token);
  //     test/data/registration.test.ts checks the 403.

  it('18. form-encoded lists: comma-separated strings are split', async () => {
    const r = await t.post('/register-file', { path: 'KS055/2021-05-10/002', filenames: 'alf/_ibl_trials.table.pqt,alf/_ibl_wheel.position.npy', name: 'flatiron_hoferlab' }, { form: true });
    expect(r.status).toBe(201);
    expect(r.body.map((d: { name: string }) => d.name)).toEqual(['_ibl_trials.table.pqt', '_ibl_wheel.position.npy']);
  });

  it('19. a malformed UUID in a detail URL is a 404', async () => {
    expect((await t.get('/sessions/not-a-uuid')).status).toBe(404);
    expect((await t.get('/datasets/not-a-uuid')).status).toBe(404);
  });

  it('20. lists shorter than filenames (hashes, filesizes, versions) never give a 500', async () => {
    const r = await t.post('/register-file', {
      path: 'KS055/2021-05-10/002',
      filenames: ['alf/_ibl_trials.table.pqt', 'alf/_ibl_wheel.position.npy'],
      hashes: [md5('a')],
      filesizes: [1],
      versions: ['1.0'],
      name: 'flatiron_hoferlab',
    });
    expect([201, 400]).toContain(r.status);
  });
});

describe('spec-core §1.1', () => {
  it('answers HEAD on list and detail routes like GET, without a body', async () => {
    const list = await t.request('HEAD', '/sessions');
    expect(list.status).toBe(200);
    expect(list.text).toBe('');
    expect((await t.request('HEAD', `/sessions/${eid}`)).status).toBe(200);
    expect((await t.request('HEAD', '/sessions/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

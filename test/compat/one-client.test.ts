// The server as the ONE client (3.4.2) sees it, end to end: every request goes through OneLike
// (test/compat/one-like.ts), which sends what AlyxClient sends and reads answers the way it reads
// them (one-client.md §2-§3, §7). A ClientCrash in these tests means ONE would raise a Python
// exception where it expects data.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { hashPassword } from '../../src/rest/auth.ts';
import { authTokens } from '../../src/apps/misc/tables.ts';
import { keyringOf } from '../../src/rest/secrets.ts';
import { HTTPError, OneLike, PaginatedResponse, PY310_ISO, RestSchemes, autocomplete, updateUrlParams } from './one-like.ts';

const UPSTREAM: Record<string, { actions: string[]; list: string[] | null }> = JSON.parse(
  fs.readFileSync(new URL('./upstream-api.json', import.meta.url), 'utf8'),
);

let t: TestApp;
let one: OneLike;
const PASSWORD = 'one-client-pw';
const md5 = (s: string) => crypto.createHash('md5').update(s).digest('hex');

beforeAll(async () => {
  t = await startTestApp();
  await t.createUser('olivier', { password: await hashPassword(PASSWORD, 1000), is_superuser: true });
  one = new OneLike(t, 'olivier', PASSWORD);
});
afterAll(async () => {
  await t?.close();
});

describe('authentication as AlyxClient does it', () => {
  it('gets a token with a form-encoded POST and nothing but {"token"}', async () => {
    await one.authenticate();
    expect(one.token).toMatch(/^[0-9a-f]{40}$/);
    const req = one.sent.at(-1)!;
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(req.headers.authorization).toBeUndefined();
  });

  it('answers bad credentials with a 400 (ONE: "Alyx authentication failed")', async () => {
    const bad = new OneLike(t, 'olivier', 'wrong');
    await expect(bad.authenticate()).rejects.toMatchObject({ status: 400 });
  });

  it('accepts JSON Content-Type on GET and DELETE without a body, as requests sends them', async () => {
    const labs = await one.rest('labs', 'list');
    expect(Array.isArray(labs)).toBe(true);
    await one.rest('labs', 'create', { data: { name: 'tmp_lab' } });
    expect(await one.rest('labs', 'delete', { id: 'tmp_lab' })).toBeNull();
    expect(one.sent.at(-1)).toMatchObject({ method: 'DELETE', url: '/labs/tmp_lab', headers: { 'content-type': 'application/json' } });
  });

  it('re-authenticates once after 403 "Invalid token." and retries the request', async () => {
    const fresh = new OneLike(t, 'olivier', PASSWORD);
    fresh.token = 'f'.repeat(40); // a cached token the server no longer knows
    const labs = await fresh.rest('labs', 'list');
    expect(Array.isArray(labs)).toBe(true);
    expect(fresh.sent.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /api/schema', 'GET /labs', 'POST /auth-token', 'GET /labs']);
    // a revoked token (deleted server-side) is answered the same way
    await t.services.db.delete(authTokens).where(eq(authTokens.key, keyringOf(t.config).digest(fresh.token!)));
    fresh.sent = [];
    await fresh.rest('labs', 'list');
    expect(fresh.sent.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /labs', 'POST /auth-token', 'GET /labs']);
    // a token keeps working indefinitely: a later client reuses it without logging in
    const cached = new OneLike(t, 'olivier', PASSWORD);
    cached.token = fresh.token;
    await cached.rest('labs', 'list');
    expect(cached.sent.map((r) => r.url)).toEqual(['/api/schema', '/labs']);
  });

  it('gives error bodies that are JSON objects, so ONE raises HTTPError with the detail', async () => {
    const e = await one.rest('subjects', 'read', { id: 'nobody' }).catch((x) => x);
    expect(e).toBeInstanceOf(HTTPError);
    expect(e.status).toBe(404);
    expect(e.detail).toBe('No Subject matches the given query.');
    const v = await one.rest('subjects', 'create', { data: { nickname: 'x' } }).catch((x) => x);
    expect(v).toBeInstanceOf(HTTPError);
    expect(v.status).toBe(400);
    expect(v.detail).toEqual({ lab: ['This field is required.'] });
  });
});

describe('/api/schema as ONE reads it', () => {
  let s: RestSchemes;
  beforeAll(async () => {
    s = await one.restSchemes();
  });

  it('is a JSON OpenAPI 3 document (not the coreapi fallback)', async () => {
    expect(s.backend).toBe('open_api_v3');
    expect(s.doc.openapi).toMatch(/^3\./);
    const r = await t.get('/api/schema', { token: null, headers: { accept: 'application/vnd.oai.openapi+json', 'accept-version': '3.0' } });
    expect(r.headers['content-type']).toMatch(/^application\/vnd\.oai\.openapi\+json/);
  });

  it('lists every endpoint ONE and its registration client use, with the actions they need', async () => {
    const need: Record<string, string[]> = {
      sessions: ['list', 'read', 'create', 'update', 'partial_update', 'delete'],
      insertions: ['list', 'read', 'create', 'partial_update'],
      datasets: ['list', 'read', 'create', 'partial_update', 'delete'],
      files: ['list', 'read', 'partial_update'],
      'data-repository': ['list', 'read'],
      'dataset-types': ['list', 'read'],
      'data-formats': ['list', 'read'],
      revisions: ['list', 'read'],
      tags: ['list', 'read'],
      labs: ['list', 'read'],
      subjects: ['list', 'read', 'create', 'partial_update'],
      users: ['list', 'read'],
      projects: ['list', 'read'],
      weighings: ['list', 'create'],
      'water-administrations': ['list', 'create'],
      'water-type': ['list'],
      'water-requirement': ['read'],
      'water-restricted-subjects': ['list'],
      notes: ['list', 'create'],
      trajectories: ['list', 'create'],
      channels: ['list', 'create'],
      tasks: ['list', 'create', 'partial_update'],
      'brain-regions': ['list', 'read'],
      'register-file': ['create'],
      'check-protected': ['list'],
      cache: ['list'],
      'cache.zip': ['list'],
    };
    for (const [endpoint, actions] of Object.entries(need)) {
      expect(s.endpoints, endpoint).toContain(endpoint);
      expect(s.actions(endpoint), endpoint).toEqual(expect.arrayContaining(actions));
    }
  });

  it("covers upstream Alyx's endpoints, actions and list parameters", async () => {
    // upstream auto-filters on fields ONE never queries and that we do not model as filters
    const knownGaps: Record<string, string[]> = {
      subjects: ['cull_method', 'reduced'],
      users: ['groups', 'password', 'user_permissions'],
      'chronic-insertions': ['location', 'procedures', 'users'],
      'check-protected': ['limit', 'offset'], // a paginator on a non-list view upstream
    };
    for (const [endpoint, up] of Object.entries(UPSTREAM)) {
      if (['api', 'auth-token', 'uploaded'].includes(endpoint)) continue; // excluded by ONE / not an API
      expect(s.endpoints, endpoint).toContain(endpoint);
      expect(s.actions(endpoint), endpoint).toEqual(expect.arrayContaining(up.actions));
      if (up.list && up.actions.includes('list')) {
        const ours = s.fieldNames(endpoint, 'list');
        const missing = up.list.filter((p) => !ours.includes(p) && p !== 'format' && !(knownGaps[endpoint] ?? []).includes(p));
        expect(missing, endpoint).toEqual([]);
      }
    }
  });

  it('has every filter ONE sends among the list parameters', async () => {
    expect(s.fieldNames('sessions', 'list')).toEqual(
      expect.arrayContaining([
        'subject', 'date_range', 'lab', 'number', 'users', 'task_protocol', 'projects', 'dataset_types', 'datasets',
        'dataset_qc_lte', 'location', 'performance_gte', 'performance_lte', 'django', 'id', 'qc', 'extended_qc', 'tag',
        'atlas_acronym', 'limit', 'offset',
      ]),
    );
    expect(s.fieldNames('datasets', 'list')).toEqual(
      expect.arrayContaining(['session', 'name', 'collection', 'revision', 'tag', 'exists', 'django', 'dataset_type', 'qc', 'default_dataset', 'limit', 'offset']),
    );
    expect(s.fieldNames('insertions', 'list')).toEqual(
      expect.arrayContaining(['session', 'name', 'lab', 'subject', 'experiment_number', 'date', 'django', 'dataset_types', 'datasets', 'task_protocol']),
    );
    expect(s.fieldNames('files', 'list')).toEqual(expect.arrayContaining(['dataset', 'data_repository', 'exists', 'django']));
    expect(s.fieldNames('labs', 'list')).toContain('django');
  });

  it('keeps list parameters on the list operation (/x before /x/{...}) for every endpoint', async () => {
    const paths = Object.keys(s.doc.paths);
    for (const endpoint of s.endpoints) {
      const own = paths.filter((p) => p === `/${endpoint}` || p.startsWith(`/${endpoint}/`));
      if (s.actions(endpoint).includes('list')) expect(s.info(endpoint, 'list').url, endpoint).not.toContain('{');
      if (s.actions(endpoint).includes('read') && own.includes(`/${endpoint}`)) expect(s.info(endpoint, 'read').url, endpoint).toContain('{');
      const collection = own.indexOf(`/${endpoint}`);
      if (collection >= 0) expect(collection, endpoint).toBe(0);
    }
  });

  it('gives every request body a $ref with application/json, resolvable to properties', async () => {
    for (const endpoint of s.endpoints) {
      for (const action of s.actions(endpoint)) {
        // Python would raise KeyError/TypeError inside fields(); info() mirrors it
        expect(() => s.fieldNames(endpoint, action as 'list'), `${endpoint} ${action}`).not.toThrow();
      }
    }
    expect(s.fieldNames('sessions', 'create')).toEqual(expect.arrayContaining(['subject', 'users', 'number', 'start_time', 'lab', 'projects', 'procedures', 'type']));
    expect(s.fieldNames('register-file', 'create')).toEqual(expect.arrayContaining(['created_by', 'path', 'filenames', 'hashes', 'filesizes', 'name', 'labs']));
  });

  it("lets ONE's search keywords autocomplete as they do upstream", async () => {
    const terms = await one.searchTerms();
    expect(terms).not.toContain('lab');
    for (const [given, full] of [
      ['subj', 'subject'],
      ['lab', 'laboratory'],
      ['laboratory', 'laboratory'],
      ['date_range', 'date_range'],
      ['datasets', 'datasets'],
      ['dataset_types', 'dataset_types'],
      ['projects', 'projects'],
      ['task', 'task_protocol'],
      ['num', 'number'],
      ['users', 'users'],
      ['performance_gte', 'performance_gte'],
      ['atlas_acronym', 'atlas_acronym'],
    ]) {
      expect(autocomplete(given, terms), given).toBe(full);
    }
    // as upstream: datasets, dataset_types, dataset_qc_lte / project, projects
    expect(() => autocomplete('dataset', terms)).toThrow(/Ambiguous/);
    expect(() => autocomplete('proj', terms)).toThrow(/Ambiguous/);
    expect(() => autocomplete('nonsense', terms)).toThrow(/Invalid search term/);
  });
});

describe('coreapi fallback (/docs with Accept: application/coreapi+json)', () => {
  it('describes the same endpoints and list filters, with list.action == "get"', async () => {
    const openapi = await one.restSchemes();
    const doc = await one.generic('GET', '/docs'); // ONE asks for /docs without the slash
    const core = new RestSchemes(doc, 'core_api');
    expect(core.endpoints).toEqual(openapi.endpoints);
    for (const endpoint of core.endpoints) {
      expect(core.actions(endpoint), endpoint).toEqual(openapi.actions(endpoint));
      if (core.actions(endpoint).includes('list')) expect((doc as any)[endpoint].list.action, endpoint).toBe('get'); // eslint-disable-line
    }
    expect(core.fieldNames('sessions', 'list')).toEqual(expect.arrayContaining(['subject', 'date_range', 'number', 'django', 'dataset_types']));
    for (const f of (doc as any).sessions.list.fields) expect(Object.keys(f)).toEqual(['name', 'required', 'location', 'schema']); // eslint-disable-line
  });
});

describe('sessions and datasets as ONE and its RegistrationClient use them', () => {
  let eid: string;
  let registered: any[]; // eslint-disable-line
  const FILES = ['alf/_ibl_trials.table.pqt', 'alf/_ibl_wheel.position.npy', 'raw_video_data/_iblrig_leftCamera.raw.mp4'];
  const content = (f: string) => `bytes of ${f}`;

  beforeAll(async () => {
    // the lab, its HTTP repository and the subject, as an admin would set them up
    await one.rest('data-repository', 'create', { data: { name: 'flatiron_mainenlab', globus_is_personal: false, data_url: 'http://files.example.org/mainenlab/Subjects/' } });
    await one.rest('data-repository', 'create', { data: { name: 'mainenlab_rig1', globus_is_personal: true } });
    await one.rest('labs', 'create', { data: { name: 'mainenlab', repositories: ['flatiron_mainenlab', 'mainenlab_rig1'] } });
    await one.rest('projects', 'create', { data: { name: 'ibl_behaviour', users: ['olivier'] } });
    await one.rest('subjects', 'create', { data: { nickname: 'ZM_1085', lab: 'mainenlab', projects: ['ibl_behaviour'] } });
    for (const [name, filename_pattern] of [
      ['trials.table', ''],
      ['wheel.position', ''],
      ['_iblrig_Camera.raw', '_iblrig_*Camera.raw.*'],
    ]) {
      await one.rest('dataset-types', 'create', { data: { name, filename_pattern, description: `the ${name} datasets` } });
    }
  });

  it('registers a session as create_new_session does (number as a zero-padded string)', async () => {
    const subject = await one.rest('subjects', 'read', { id: 'ZM_1085' });
    expect(subject.nickname).toBe('ZM_1085');
    const before = await one.search({ subject: 'ZM_1085', date_range: '2019-02-12,2019-02-12', number: '001' });
    expect(before.eids).toEqual([]);
    expect(one.sent.at(-1)!.url).toBe('/sessions?date_range=2019-02-12%2C2019-02-12&number=001&subject=ZM_1085');
    const user = await one.rest('users', 'read', { id: 'olivier' });
    expect(user.username).toBe('olivier');
    const ses = await one.rest('sessions', 'create', {
      data: {
        subject: 'ZM_1085', users: ['olivier'], type: 'Experiment', number: '001', start_time: '2019-02-12T10:32:47.123456',
        end_time: '2019-02-12T11:32:47', procedures: ['Behavior training/tasks'], projects: ['ibl_behaviour'], lab: 'mainenlab',
        task_protocol: '_iblrig_tasks_trainingChoiceWorld6.4.2',
      },
    });
    eid = ses.url.slice(-36);
    expect(eid).toMatch(/^[0-9a-f-]{36}$/);
    expect(ses.number).toBe(1);
    // register_session on an existing session PUTs the same dict
    const put = await one.rest('sessions', 'update', {
      id: eid,
      data: { subject: 'ZM_1085', users: ['olivier'], type: 'Experiment', number: '001', start_time: '2019-02-12T10:32:47.123456', lab: 'mainenlab', projects: ['ibl_behaviour'] },
    });
    expect(put.url).toBe(ses.url);
    // path2eid finds it back with the folder name as number
    const found = await one.search({ subject: 'ZM_1085', date_range: ['2019-02-12', '2019-02-12'], number: '001' });
    expect(found.eids).toEqual([eid]);
  });

  it('gives session list records ONE can parse (search, eid2path, get_details)', async () => {
    const res = await one.search({ subject: 'zm_1085', laboratory: 'MAINENLAB', projects: 'behaviour', task: 'trainingChoiceWorld' });
    expect(res.eids).toEqual([eid]);
    const [rec] = res.raw as any[]; // eslint-disable-line
    for (const k of ['id', 'url', 'subject', 'start_time', 'number', 'lab', 'projects', 'task_protocol']) expect(rec, k).toHaveProperty(k);
    expect(rec).toMatchObject({ id: eid, subject: 'ZM_1085', number: 1, lab: 'mainenlab', projects: ['ibl_behaviour'], task_protocol: '_iblrig_tasks_trainingChoiceWorld6.4.2' });
    expect(rec.url.slice(-36)).toBe(eid);
    expect(rec.start_time).toBe('2019-02-12T10:32:47.123456');
    expect(rec.start_time).toMatch(PY310_ISO);
    // eid2path: rest('sessions', 'list', id=eid) is django=pk,<eid>
    const byId = await one.rest('sessions', 'list', { id: eid });
    expect(one.sent.at(-1)!.url).toBe(`/sessions?django=pk%2C${eid}`);
    expect(byId.map((r: any) => r.id)).toEqual([eid]); // eslint-disable-line
    // get_details: batches as a Python tuple repr
    const other = crypto.randomUUID();
    const tuple = await one.rest('sessions', 'list', { django: `pk__in,('${eid}', '${other}')` });
    expect(tuple).toHaveLength(1);
    const single = await one.rest('sessions', 'list', { django: `pk__in,('${eid}',)` });
    expect(single).toHaveLength(1);
    const list = await one.rest('sessions', 'list', { django: `id__in,['${eid}']` });
    expect(list).toHaveLength(1);
    // open-ended date ranges as ONE fills them in
    expect((await one.search({ date_range: ['1677-09-21', '2262-04-11'] })).eids).toEqual([eid]);
    expect((await one.search({ number: 1 })).eids).toEqual([eid]);
    expect((await one.search({ users: ['olivier'] })).eids).toEqual([eid]);
    expect((await one.search({ subject: 'ZM_1085', django: 'start_time__date__lt,2019-02-13' })).eids).toEqual([eid]);
    expect(one.warnings).toEqual([]);
  });

  it('registers files as RegistrationClient.register_files sends them', async () => {
    const types = await one.rest('dataset-types', 'list');
    const all = types instanceof PaginatedResponse ? await types.all() : types;
    expect(all.length).toBeGreaterThan(50);
    for (const dt of all) expect(typeof dt.filename_pattern, dt.name).toBe('string');
    const formats = await one.rest('data-formats', 'list');
    for (const f of formats instanceof PaginatedResponse ? await formats.all() : formats) expect(f.file_extension, f.name).toMatch(/^(\.|$)/);
    // check_protected_files: GET with a JSON body, always HTTP 200
    const prot = await one.generic('GET', '/check-protected', { created_by: 'olivier', path: 'ZM_1085/2019-02-12/001', filenames: FILES });
    expect(prot).toEqual({ status_code: 200, details: 'None of the datasets are protected' });
    const r = (await one.generic('POST', '/register-file', {
      created_by: 'olivier',
      path: 'ZM_1085/2019-02-12/001',
      filenames: FILES,
      hashes: FILES.map((f) => md5(content(f))),
      filesizes: FILES.map((f) => content(f).length),
      name: 'flatiron_mainenlab',
      exists: true,
      server_only: false,
      default: true,
      versions: [null, null, null],
      check_protected: true,
      labs: 'mainenlab',
    })) as any[]; // eslint-disable-line
    registered = r;
    expect(r.map((d) => d.name)).toEqual(['_ibl_trials.table.pqt', '_ibl_wheel.position.npy', '_iblrig_leftCamera.raw.mp4']);
    expect(r[0]).toMatchObject({ session: eid, session_number: 1, collection: 'alf', revision: '', default: true, qc: 0, subject: 'ZM_1085', created_by: 'olivier' });
    // records in every repository of the lab; only the named one exists
    expect(r[0].file_records.map((f: any) => [f.data_repository, f.exists]).sort()).toEqual([ // eslint-disable-line
      ['flatiron_mainenlab', true],
      ['mainenlab_rig1', false],
    ]);
  });

  it('lists datasets with the records ONE parses (path2url, type2datasets, dataset2type)', async () => {
    // path2url: datasets?name=<file>&session=<eid>
    const byName = await one.rest('datasets', 'list', { name: '_ibl_trials.table.pqt', session: eid });
    expect(byName).toHaveLength(1);
    const d = byName[0];
    expect(d.url.slice(-36)).toBe(registered[0].id);
    expect(d).not.toHaveProperty('id');
    expect(d.session).toBe(`http://localhost:8100/sessions/${eid}`);
    expect(d).toMatchObject({ dataset_type: 'trials.table', default_dataset: true, qc: 'NOT_SET', hash: md5(content(FILES[0])), file_size: content(FILES[0]).length });
    const fr = d.file_records.find((x: any) => x.data_url && x.exists); // eslint-disable-line
    expect(fr).toMatchObject({ data_repository: 'flatiron_mainenlab', data_repository_path: '', relative_path: 'ZM_1085/2019-02-12/001/alf/_ibl_trials.table.pqt' });
    expect(fr.data_url).toBe(`http://files.example.org/mainenlab/Subjects/ZM_1085/2019-02-12/001/alf/_ibl_trials.table.${registered[0].id}.pqt`);
    for (const f of d.file_records) expect(Object.keys(f)).toEqual(['id', 'data_repository', 'data_repository_path', 'relative_path', 'data_url', 'exists']);
    // type2datasets
    const typed = await one.rest('datasets', 'list', { django: `session__id,${eid},dataset_type__name,wheel.position` });
    expect(typed.map((x: any) => x.name)).toEqual(['_ibl_wheel.position.npy']); // eslint-disable-line
    const typedIn = await one.rest('datasets', 'list', { django: `session__id,${eid},dataset_type__name__in,['wheel.position', 'trials.table']` });
    expect(typedIn).toHaveLength(2);
    expect(await one.rest('datasets', 'list', { django: 'session__isnull,True' })).toEqual([]);
    for (const [k, v, n] of [
      ['collection', 'alf', 2],
      ['exists', 'True', 3],
      ['revision', '', 3],
      ['tag', 'nothing', 0],
    ] as const) {
      expect(await one.rest('datasets', 'list', { session: eid, [k]: v }), `${k}=${v}`).toHaveLength(n);
    }
    // dataset2type
    expect((await one.rest('datasets', 'read', { id: d.url })).dataset_type).toBe('trials.table');
    expect(one.warnings).toEqual([]);
  });

  it('embeds datasets in the session detail as ses2records needs them', async () => {
    const det = await one.rest('sessions', 'read', { id: eid });
    for (const k of ['id', 'url', 'subject', 'start_time', 'number', 'lab', 'projects', 'task_protocol', 'data_dataset_session_related']) expect(det, k).toHaveProperty(k);
    const dsets = det.data_dataset_session_related;
    expect(dsets).toHaveLength(3);
    for (const x of dsets) {
      expect(x.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof x.data_url).toBe('string');
      expect(new URL(x.data_url).pathname).toContain('/ZM_1085/2019-02-12/001/');
      expect(x.default_revision).toBe('True');
      expect(['NOT_SET', 'PASS', 'WARNING', 'FAIL', 'CRITICAL']).toContain(x.qc);
      expect(x.hash).toMatch(/^[0-9a-f]{32}$/);
      expect(Number.isInteger(x.file_size)).toBe(true);
      expect(x.revision).toBe('');
    }
  });

  it('flags a hash mismatch on the file record as ONE does after a download', async () => {
    const did = registered[0].id;
    const files = await one.rest('files', 'list', { django: `dataset,${did},data_repository__globus_is_personal,False` });
    expect(files).toHaveLength(1);
    const fid = files[0].url.slice(-36);
    const patched = await one.rest('files', 'partial_update', { id: fid, data: { json: { mismatch_hash: true } } });
    expect(patched.json).toEqual({ mismatch_hash: true });
  });

  it('answers the protected-dataset conflict as ONE expects, then takes the new revision', async () => {
    await one.rest('tags', 'create', { data: { name: 'frozen', protected: true } });
    await one.rest('datasets', 'partial_update', { id: registered[1].id, data: { tags: ['frozen'] } });
    const body = { created_by: 'olivier', path: 'ZM_1085/2019-02-12/001', filenames: [FILES[1]], name: 'flatiron_mainenlab', check_protected: true, labs: 'mainenlab' };
    const e = (await one.generic('POST', '/register-file', body).catch((x) => x)) as HTTPError;
    expect(e).toBeInstanceOf(HTTPError);
    expect(e.status).toBe(403);
    expect(JSON.parse(e.text)).toEqual({ status_code: 403, error: 'One or more datasets is protected', details: [{ [FILES[1]]: [{ '': true }] }] });
    expect(e.detail).toEqual({ error: 'One or more datasets is protected', details: [{ [FILES[1]]: [{ '': true }] }] });
    const check = await one.generic('GET', '/check-protected', { created_by: 'olivier', path: 'ZM_1085/2019-02-12/001', filenames: [FILES[1]] });
    expect(check).toMatchObject({ status_code: 403, error: 'One or more datasets is protected' });
    // ONE moves the file into a new revision folder and posts again without the check
    const again = (await one.generic('POST', '/register-file', { ...body, filenames: ['alf/#2026-11-22#/_ibl_wheel.position.npy'], check_protected: false })) as any[]; // eslint-disable-line
    expect(again[0]).toMatchObject({ revision: '2026-11-22', collection: 'alf', default: true });
  });

  it('serves insertions with session_info (pid2eid, eid2pid, search_insertions)', async () => {
    const ins = await one.rest('insertions', 'create', { data: { session: eid, name: 'probe00' } });
    const pid = ins.id;
    const read = await one.rest('insertions', 'read', { id: pid });
    expect(read.session).toBe(eid);
    expect(read.name).toBe('probe00');
    expect(Object.keys(read.session_info)).toEqual(['subject', 'start_time', 'number', 'lab', 'id', 'projects', 'task_protocol']);
    expect(read.session_info).toMatchObject({ subject: 'ZM_1085', number: 1, lab: 'mainenlab', id: eid, projects: ['ibl_behaviour'] });
    const byEid = await one.rest('insertions', 'list', { session: eid, name: 'probe00' });
    expect(byEid.map((x: any) => x.id)).toEqual([pid]); // eslint-disable-line
    // search_insertions(laboratory=, number=, dataset=) → lab, experiment_number, django=datasets__name__icontains
    const terms = await one.searchTerms('insertions');
    for (const k of ['lab', 'experiment_number', 'subject', 'date', 'name', 'session', 'django']) expect(terms).toContain(k);
    expect(await one.rest('insertions', 'list', { lab: 'mainenlab', experiment_number: 1, subject: 'ZM_1085', date: '2019-02-12' })).toHaveLength(1);
    expect(await one.rest('insertions', 'list', { django: 'datasets__name__icontains,spikes' })).toHaveLength(0);
    expect(one.warnings).toEqual([]);
  });

  it('answers describe_dataset, describe_revision, the AWS probe and the Globus lab lookup', async () => {
    const dt = await one.rest('dataset-types', 'read', { id: 'trials.table' });
    expect(typeof dt.description).toBe('string');
    expect((await one.rest('revisions', 'read', { id: '2026-11-22' })).name).toBe('2026-11-22');
    const aws = await one.rest('data-repository', 'read', { id: 'aws_mainenlab' }).catch((x) => x);
    expect(aws).toBeInstanceOf(HTTPError);
    expect(aws.status).toBe(404);
    const endpoint = crypto.randomUUID();
    expect(await one.rest('labs', 'list', { django: `repositories__globus_endpoint_id,${endpoint}` })).toEqual([]);
  });
});

describe('pagination as _PaginatedResponse walks it', () => {
  beforeAll(async () => {
    await one.rest('subjects', 'create', { data: { nickname: 'PG_1', lab: 'mainenlab' } });
    for (let i = 1; i <= 7; i++) {
      await one.rest('sessions', 'create', { data: { subject: 'PG_1', number: i, start_time: `2020-01-0${i}T09:00:00`, lab: 'mainenlab', task_protocol: 'paging' } });
    }
  });

  it('fetches pages lazily, in any order, through next with limit/offset rewritten', async () => {
    const rep = await one.rest('sessions', 'list', { subject: 'PG_1', task_protocol: 'paging', limit: 2 });
    expect(rep).toBeInstanceOf(PaginatedResponse);
    expect(rep.length).toBe(7);
    expect(rep.query).toBe('http://localhost:8100/sessions?limit=2&offset=2&subject=PG_1&task_protocol=paging');
    const last = await rep.at(-1); // the last page first
    expect(rep.fetched).toEqual(['http://localhost:8100/sessions?limit=2&offset=6&subject=PG_1&task_protocol=paging']);
    expect(last.start_time).toBe('2020-01-01T09:00:00'); // -start_time
    const all = await rep.all();
    expect(all.map((s: any) => s.number)).toEqual([7, 6, 5, 4, 3, 2, 1]); // eslint-disable-line
    expect(new Set(all.map((s: any) => s.id)).size).toBe(7); // eslint-disable-line
    expect(one.warnings).toEqual([]);
  });

  it('keeps ONE-encoded filters intact across pages (commas, spaces, quotes, brackets)', async () => {
    const rep = await one.rest('sessions', 'list', { django: "task_protocol__in,['paging', 'x y']", date_range: ['2020-01-01', '2020-01-31'], limit: 3 });
    expect(rep).toBeInstanceOf(PaginatedResponse);
    expect((await rep.all()).length).toBe(7);
    expect(rep.fetched.length).toBe(2);
  });

  it('builds next under the base URL the client used behind a TLS proxy', async () => {
    const proxied = new OneLike(t, 'olivier', PASSWORD, 'https://alyx.example.org');
    proxied.token = one.token;
    const orig = proxied.generic.bind(proxied);
    // the proxy adds X-Forwarded-Proto: requests go through raw() with the proxy's header
    (proxied as any).raw = async (method: string, url: string, headers: Record<string, string>, body?: string) => { // eslint-disable-line
      proxied.sent.push({ method, url, headers, body });
      return t.app.inject({ method: method as 'GET', url, headers: { ...headers, host: 'alyx.example.org', 'x-forwarded-proto': 'https' }, payload: body });
    };
    void orig;
    const rep = await proxied.rest('sessions', 'list', { subject: 'PG_1', limit: 5 });
    expect(rep.query.startsWith('https://alyx.example.org/sessions?')).toBe(true);
    await rep.all();
    expect(rep.fetched[0].startsWith('https://alyx.example.org/')).toBe(true);
    expect(proxied.sent.at(-1)!.url).toBe('/sessions?limit=5&offset=5&subject=PG_1');
  });

  it('re-encodes like Python (update_url_params)', () => {
    expect(updateUrlParams('http://h/sessions?django=pk__in%2C%28%27a%27%2C+%27b%27%29&limit=2&offset=2', { limit: 2, offset: 4 })).toBe(
      'http://h/sessions?django=pk__in%2C%28%27a%27%2C+%27b%27%29&limit=2&offset=4',
    );
  });
});

describe("ONE's write helpers and the remote cache", () => {
  it('json_field_update/json_field_remove_key: GET the record, PATCH the whole merged field', async () => {
    const eid = (await one.search({ subject: 'ZM_1085', number: '001' })).eids[0];
    const merge = async (endpoint: string, id: string, field: string, d: Record<string, unknown>) => {
      const rec = await one.rest(endpoint, 'read', { id });
      const current = rec[field] ?? {};
      expect(typeof current).toBe('object');
      const res = await one.rest(endpoint, 'partial_update', { id, data: { [field]: { ...current, ...d } } });
      return res[field];
    };
    expect(await merge('sessions', eid, 'json', { IS_MOCK: false })).toEqual({ IS_MOCK: false });
    expect(await merge('sessions', eid, 'json', { extra: [1, 2] })).toEqual({ IS_MOCK: false, extra: [1, 2] });
    expect(await merge('subjects', 'ZM_1085', 'json', { cage: 'A1' })).toEqual({ cage: 'A1' });
    expect(await merge('sessions', eid, 'extended_qc', { behavior: 1 })).toEqual({ behavior: 1 });
    // json_field_delete writes null
    expect((await one.rest('sessions', 'partial_update', { id: eid, data: { extended_qc: null } })).extended_qc).toBeNull();
  });

  it('register_weight and register_water_administration payloads', async () => {
    const now = '2026-11-22T09:15:02.123456'; // datetime.now().isoformat()
    const w = await one.rest('weighings', 'create', { data: { subject: 'ZM_1085', date_time: now, weight: 21.5, user: 'olivier' } });
    expect(w).toMatchObject({ subject: 'ZM_1085', date_time: now, weight: 21.5, user: 'olivier' });
    expect(w.url.slice(-36)).toMatch(/^[0-9a-f-]{36}$/);
    const wa = await one.rest('water-administrations', 'create', {
      data: { subject: 'ZM_1085', date_time: now, water_administered: 0.6, water_type: 'Water', user: 'olivier', adlib: false },
    });
    expect(wa).toMatchObject({ subject: 'ZM_1085', water_administered: 0.6, water_type: 'Water', user: 'olivier', adlib: false, session: null });
  });

  it('serves /cache/info as load_cache reads it, and the zip at the location it names', async () => {
    const info = (await one.generic('GET', 'cache/info')) as Record<string, unknown>;
    // datetime.fromisoformat('YYYY-MM-DD HH:MM'); min_api_version must not exceed ONE's version
    expect(info.date_created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(String(info.min_api_version ?? '0.0.0').split('.').map(Number)[0]).toBeLessThanOrEqual(3);
    const location = (info.location as string | undefined) ?? `${one.baseUrl}/cache.zip`;
    expect(location.startsWith(one.baseUrl)).toBe(true); // so ONE adds its token to the request
    const zip = await t.app.inject({
      method: 'GET',
      url: location.slice(one.baseUrl.length),
      headers: { host: new URL(one.baseUrl).host, authorization: `Token ${one.token}`, accept: 'application/json' },
    });
    expect(zip.statusCode).toBe(200);
    expect(zip.headers['content-length']).toBe(String(zip.rawPayload.length)); // urllib needs Content-Length
    expect(zip.headers['transfer-encoding']).toBeUndefined();
  });
});

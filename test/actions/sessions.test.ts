// /sessions (spec-core §2.9, §4.7, §6.5–6.8): light list vs full detail, filters, defaults, QC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  expect((await t.patch('/labs/cortexlab', { zscore_weight_pct: 0.8 })).status).toBe(200);
  expect((await t.post('/labs', { name: 'otherlab' })).status).toBe(201);
  await t.createUser('zmanning', { email: 'z@example.org' });
  await t.createUser('olivier');
  expect((await t.post('/projects', { name: 'ibl_behaviour', users: [] })).status).toBe(201);
  expect((await t.post('/projects', { name: 'ibl_ephys', users: [] })).status).toBe(201);
  for (const [nickname, lab] of [['ZM_1745', 'cortexlab'], ['ZM_1746', 'cortexlab'], ['OL_1', 'otherlab']]) {
    const r = await t.post('/subjects', { nickname, lab, sex: 'F', birth_date: '2024-01-10' });
    expect(r.status).toBe(201);
  }
  const s1 = await t.post('/sessions', {
    subject: 'ZM_1745', users: ['zmanning'], projects: ['ibl_behaviour'], procedures: ['Behavior training/tasks'],
    lab: 'cortexlab', type: 'Experiment', task_protocol: '_iblrig_tasks_trainingChoiceWorld6.4.2',
    number: 1, start_time: '2024-03-12T16:20:31.528', n_trials: 560, n_correct_trials: 412, json: { IS_MOCK: false },
  });
  expect(s1.status).toBe(201);
  ids.s1 = s1.body.id;
  const s2 = await t.post('/sessions', { subject: 'ZM_1745', number: '2', start_time: '2024-03-13T10:00:00', procedures: ['Histology'], projects: ['ibl_ephys', 'ibl_behaviour'], n_trials: 100, n_correct_trials: 90 });
  expect(s2.status).toBe(201);
  ids.s2 = s2.body.id;
  const s3 = await t.post('/sessions', { subject: 'OL_1', start_time: '2024-03-12T09:00:00', users: ['olivier', 'zmanning'], type: 'Base', location: null });
  expect(s3.status).toBe(201);
  ids.s3 = s3.body.id;
});
afterAll(() => t.close());

describe('POST /sessions', () => {
  it('answers the full detail representation, in upstream key order', async () => {
    const r = await t.get(`/sessions/${ids.s1}`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual([
      'subject', 'users', 'location', 'procedures', 'lab', 'projects', 'type', 'task_protocol', 'number',
      'start_time', 'end_time', 'narrative', 'parent_session', 'n_correct_trials', 'n_trials', 'url',
      'extended_qc', 'qc', 'wateradmin_session_related', 'data_dataset_session_related', 'auto_datetime', 'id',
      'json', 'probe_insertion', 'field_of_view', 'notes',
    ]);
    expect(r.body).toMatchObject({
      subject: 'ZM_1745', users: ['zmanning'], location: null, procedures: ['Behavior training/tasks'], lab: 'cortexlab',
      projects: ['ibl_behaviour'], type: 'Experiment', number: 1, start_time: '2024-03-12T16:20:31.528000', end_time: null,
      narrative: '', parent_session: null, n_correct_trials: 412, n_trials: 560, url: `http://localhost:80/sessions/${ids.s1}`,
      extended_qc: null, qc: 'NOT_SET', wateradmin_session_related: [], data_dataset_session_related: [], id: ids.s1,
      json: { IS_MOCK: false }, probe_insertion: [], field_of_view: [], notes: [],
    });
    expect(r.body.auto_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
  });

  it('defaults users to the requester, lab to the subject lab, number stays null', async () => {
    const r = await t.get(`/sessions/${ids.s2}`);
    expect(r.body).toMatchObject({ users: ['test_admin'], lab: 'cortexlab', number: 2, projects: ['ibl_behaviour', 'ibl_ephys'] });
    const empty = await t.post('/sessions', { subject: 'ZM_1746', users: [] });
    expect(empty.status).toBe(201);
    expect(empty.body.users).toEqual(['test_admin']);
    expect(empty.body.number).toBeNull();
    expect(empty.body.start_time).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect((await t.del(`/sessions/${empty.body.id}`)).status).toBe(204);
  });

  it('refuses bad input with field errors and writes nothing', async () => {
    const before = (await t.get('/sessions')).body.count;
    expect(await t.post('/sessions', { subject: 'nobody' }).then((r) => [r.status, r.body])).toEqual([
      400, { subject: ['Object with nickname=nobody does not exist.'], status_code: 400 },
    ]);
    expect((await t.post('/sessions', {})).body).toEqual({ subject: ['This field is required.'], status_code: 400 });
    expect((await t.post('/sessions', { subject: 'ZM_1745', users: ['foo'] })).body).toEqual({
      users: ['Object with username=foo does not exist.'], status_code: 400,
    });
    expect((await t.post('/sessions', { subject: 'ZM_1745', start_time: '12/03/2024' })).body.start_time[0]).toMatch(/^Datetime has wrong format/);
    expect((await t.post('/sessions', { subject: 'ZM_1745', number: 'one' })).body).toEqual({ number: ['A valid integer is required.'], status_code: 400 });
    expect((await t.post('/sessions', { subject: 'ZM_1745', qc: 'bad' })).body).toEqual({
      qc: ['Invalid qc, choices are: CRITICAL, FAIL, WARNING, NOT_SET, PASS'], status_code: 400,
    });
    expect((await t.get('/sessions')).body.count).toBe(before);
  });

  it('accepts form-encoded bodies (lists repeated, empty parent_session)', async () => {
    const r = await t.post(
      '/sessions',
      { subject: 'ZM_1746', users: ['zmanning', 'olivier'], projects: ['ibl_ephys'], number: '7', parent_session: '', start_time: '2024-04-01T10:00:00', type: 'Base' },
      { form: true },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ users: ['olivier', 'zmanning'], projects: ['ibl_ephys'], number: 7, parent_session: null, type: 'Base', procedures: [] });
    expect((await t.del(`/sessions/${r.body.id}`)).status).toBe(204);
  });

  it('refuses a second session with the same subject, day and number', async () => {
    const r = await t.post('/sessions', { subject: 'ZM_1745', number: 1, start_time: '2024-03-12T20:00:00' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ number: ['Session number 1 already exists for ZM_1745 on 2024-03-12.'], status_code: 400 });
    // another day, another subject, or the same row again are fine
    const other = await t.post('/sessions', { subject: 'ZM_1746', number: 1, start_time: '2024-03-12T20:00:00' });
    expect(other.status).toBe(201);
    expect((await t.patch(`/sessions/${ids.s1}`, { number: 1, start_time: '2024-03-12T16:20:31.528' })).status).toBe(200);
    expect((await t.patch(`/sessions/${ids.s2}`, { number: 1, start_time: '2024-03-12T08:00:00' })).body).toEqual({
      number: ['Session number 1 already exists for ZM_1745 on 2024-03-12.'], status_code: 400,
    });
    expect((await t.del(`/sessions/${other.body.id}`)).status).toBe(204);
  });
});

describe('GET /sessions', () => {
  it('lists with the light serializer, newest first', async () => {
    const r = await t.get('/sessions');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['count', 'next', 'previous', 'results']);
    expect(r.body.count).toBe(3);
    expect(r.body.results.map((s: { id: string }) => s.id)).toEqual([ids.s2, ids.s1, ids.s3]);
    expect(r.body.results[1]).toEqual({
      id: ids.s1, subject: 'ZM_1745', start_time: '2024-03-12T16:20:31.528000', number: 1, lab: 'cortexlab',
      projects: ['ibl_behaviour'], url: `http://localhost:80/sessions/${ids.s1}`, task_protocol: '_iblrig_tasks_trainingChoiceWorld6.4.2',
    });
  });

  const idsOf = async (q: string) => {
    const r = await t.get(`/sessions?${q}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.results.map((s: { id: string }) => s.id);
  };

  it('filters by subject (case-insensitive) and date range (§6.5)', async () => {
    expect(await idsOf('subject=ZM_1745&date_range=2024-03-12,2024-03-12')).toEqual([ids.s1]);
    expect(await idsOf('subject=zm_1745')).toEqual([ids.s2, ids.s1]);
    expect(await idsOf('nickname=OL_1')).toEqual([ids.s3]);
    expect(await idsOf('date_range=2024-03-12,2024-03-13')).toEqual([ids.s2, ids.s1, ids.s3]);
  });

  it('filters by users (all of them), lab, type, task protocol, procedures, projects', async () => {
    expect(await idsOf('users=zmanning')).toEqual([ids.s1, ids.s3]);
    expect(await idsOf('users=zmanning,olivier')).toEqual([ids.s3]);
    expect(await idsOf('lab=CORTEXLAB')).toEqual([ids.s2, ids.s1]);
    expect(await idsOf('type=experiment')).toEqual([ids.s1]);
    expect(await idsOf('task_protocol=trainingchoice')).toEqual([ids.s1]);
    expect(await idsOf('procedures=histo')).toEqual([ids.s2]);
    expect(await idsOf('projects=ibl')).toEqual([ids.s2, ids.s1]);
    expect(await idsOf('project=ephys')).toEqual([ids.s2]);
    expect(await idsOf('number=2')).toEqual([ids.s2]);
  });

  it('filters by performance, histology, json, qc and django', async () => {
    // s1: 100×412/560 = 73 (integer arithmetic); s2: 90
    expect(await idsOf('performance_gte=80')).toEqual([ids.s2]);
    expect(await idsOf('performance_lte=73')).toEqual([ids.s1]);
    expect(await idsOf('performance_lte=72')).toEqual([]);
    expect(await idsOf('histology=true')).toEqual([ids.s2, ids.s1]);
    expect(await idsOf('histology=false')).toEqual([ids.s3]);
    expect(await idsOf('histology=1')).toEqual([ids.s2, ids.s1, ids.s3]); // 1/0 are ignored
    expect(await idsOf('json=IS_MOCK,False')).toEqual([ids.s1]);
    expect(await idsOf('qc=not_set')).toEqual([ids.s2, ids.s1, ids.s3]);
    expect(await idsOf(`django=pk,${ids.s3}`)).toEqual([ids.s3]);
    expect(await idsOf('django=subject__nickname__icontains,ol_')).toEqual([ids.s3]);
  });

  it('walks the upstream relation names in django= lookups', async () => {
    expect(await idsOf('django=subject__actions_sessions__procedures__name,Histology')).toEqual([ids.s2, ids.s1]);
    expect(await idsOf('django=projects__name__icontains,ephys')).toEqual([ids.s2]);
    expect(await idsOf('django=~users__username,zmanning')).toEqual([ids.s2]);
    expect(await idsOf('django=start_time__date__lt,2024-03-13')).toEqual([ids.s1, ids.s3]);
    expect(await idsOf(`django=pk__in,('${ids.s1}', '${ids.s3}')`)).toEqual([ids.s1, ids.s3]);
    const subj = await t.get('/subjects?django=actions_sessions__number,2');
    expect(subj.body.results.map((x: { nickname: string }) => x.nickname)).toEqual(['ZM_1745']);
    const projects = await t.get('/projects?django=session__subject__nickname,ZM_1745');
    expect(projects.status).toBe(200);
    expect(projects.body.results.map((x: { name: string }) => x.name).sort()).toEqual(['ibl_behaviour', 'ibl_ephys']);
  });

  it('answers 400 for bad filter values', async () => {
    expect((await t.get('/sessions?date_range=2024-03-12')).body).toEqual({
      date_range: ['Enter two dates separated by a comma: YYYY-MM-DD,YYYY-MM-DD.'], status_code: 400,
    });
    expect((await t.get('/sessions?date_range=2024-03-12,yesterday')).body).toEqual({ date_range: ['Enter a valid date.'], status_code: 400 });
    expect((await t.get('/sessions?qc=bogus')).body).toEqual({ qc: ['Invalid qc, choices are: CRITICAL, FAIL, WARNING, NOT_SET, PASS'], status_code: 400 });
    expect((await t.get('/sessions?performance_gte=abc')).body).toEqual({ performance_gte: ['Enter a number.'], status_code: 400 });
    expect((await t.get('/sessions?number=x')).status).toBe(400);
  });
});

describe('PATCH /sessions/<id>', () => {
  it('replaces extended_qc and json wholesale and reads qc as a name (§6.8)', async () => {
    const r = await t.patch(`/sessions/${ids.s1}`, { qc: 'FAIL', extended_qc: { tutu_bool: true, tata_pct: 0.3 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ qc: 'FAIL', extended_qc: { tutu_bool: true, tata_pct: 0.3 }, json: { IS_MOCK: false } });
    const again = await t.patch(`/sessions/${ids.s1}`, { extended_qc: { other: 1 } });
    expect(again.body.extended_qc).toEqual({ other: 1 });
    expect((await t.patch(`/sessions/${ids.s1}`, { qc: 40 })).body).toEqual({
      qc: ['Invalid qc, choices are: CRITICAL, FAIL, WARNING, NOT_SET, PASS'], status_code: 400,
    });
    expect((await t.patch(`/sessions/${ids.s1}`, { qc: 'fail' })).status).toBe(400);
    expect(await idsOf2('qc=fail')).toEqual([ids.s1]);
    expect(await idsOf2('extended_qc=other__gte,1')).toEqual([ids.s1]);
    expect(await idsOf2('extended_qc=other__lt,1')).toEqual([]);
  });

  it('links a parent session by URL and refuses other values', async () => {
    const r = await t.patch(`/sessions/${ids.s2}`, { parent_session: `http://localhost/sessions/${ids.s1}` });
    expect(r.status).toBe(200);
    expect(r.body.parent_session).toBe(`http://localhost:80/sessions/${ids.s1}`);
    expect((await t.patch(`/sessions/${ids.s2}`, { parent_session: '' })).body.parent_session).toBeNull();
    expect((await t.patch(`/sessions/${ids.s2}`, { parent_session: 'http://localhost/sessions/00000000-0000-4000-8000-000000000000' })).body).toEqual({
      parent_session: ['Invalid hyperlink - Object does not exist.'], status_code: 400,
    });
  });

  it('updates auto_datetime on every save', async () => {
    const before = (await t.get(`/sessions/${ids.s3}`)).body.auto_datetime;
    await new Promise((r) => setTimeout(r, 5));
    const after = (await t.patch(`/sessions/${ids.s3}`, { narrative: 'x' })).body.auto_datetime;
    expect(after > before).toBe(true);
  });
});

async function idsOf2(q: string) {
  const r = await t.get(`/sessions?${q}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.results.map((s: { id: string }) => s.id);
}

// Surgeries (§2.17, §4.5), culls (§4.15), locations, procedures, the admin-only action lists,
// the responsible-user notification, and what /api/schema says about the actions endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { surgeries, waterRestrictions } from '../../src/apps/actions/tables.ts';
import { labLocations } from '../../src/apps/misc/tables.ts';
import { subjects } from '../../src/apps/subjects/tables.ts';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
let subjectId: string;
let surgeryId: string;
let roomId: string;
let labId: string;
let zmId: string;

const subjectRow = async (id = subjectId) => (await t.services.db.select().from(subjects).where(eq(subjects.id, id)))[0];

beforeAll(async () => {
  t = await startTestApp();
  zmId = (await t.createUser('zmanning')).id;
  await t.createUser('olivier');
  const s = await t.post('/subjects', { nickname: 'M1', lab: 'cortexlab', birth_date: '2024-01-01', responsible_user: 'zmanning' });
  expect(s.status).toBe(201);
  subjectId = s.body.id;
  labId = (await t.get('/labs/cortexlab')).body ? (await t.services.db.select().from(subjects).where(eq(subjects.id, subjectId)))[0].lab : '';
  [{ id: roomId }] = await t.services.db.insert(labLocations).values({ name: 'Surgery Room', lab: labId }).returning({ id: labLocations.id });
  await t.services.db.update(subjects).set({ actual_severity: 2 }).where(eq(subjects.id, subjectId));
  [{ id: surgeryId }] = await t.services.db
    .insert(surgeries)
    .values({ subject: subjectId, start_time: '2024-03-01 10:00:00', implant_weight: 1.5, lab: labId, location: roomId })
    .returning({ id: surgeries.id });
});
afterAll(() => t.close());

describe('/surgeries', () => {
  it('shows relations other than the subject as UUIDs, in upstream order', async () => {
    const r = await t.get(`/surgeries/${surgeryId}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: surgeryId, subject: 'M1', name: '', json: null, narrative: '', start_time: '2024-03-01T10:00:00', end_time: null,
      outcome_type: '', implant_weight: 1.5, lab: labId, location: roomId, users: [], procedures: [],
    });
    expect((await t.get('/surgeries?subject=m1')).body.count).toBe(1);
    expect((await t.get('/surgeries?procedure=headplate implant')).body.count).toBe(0);
  });

  it('has no POST and no DELETE', async () => {
    expect((await t.post('/surgeries', { subject: 'M1', implant_weight: 1 })).body).toEqual({ detail: 'Method "POST" not allowed.', status_code: 405 });
    expect((await t.del(`/surgeries/${surgeryId}`)).status).toBe(405);
  });

  it('requires implant_weight on PUT and refuses a negative one', async () => {
    expect((await t.put(`/surgeries/${surgeryId}`, { subject: 'M1' })).body).toEqual({ implant_weight: ['This field is required.'], status_code: 400 });
    expect((await t.patch(`/surgeries/${surgeryId}`, { implant_weight: -2 })).body).toEqual({
      implant_weight: ['Ensure this value is greater than or equal to 0.'], status_code: 400,
    });
    expect((await t.patch(`/surgeries/${surgeryId}`, { outcome_type: 'x' })).body).toEqual({ outcome_type: ['"x" is not a valid choice.'], status_code: 400 });
  });

  it('saving raises mild severity to moderate, sets protocol 2, and a non-recovery end sets the death date (§4.5)', async () => {
    const headplate = (await t.get('/procedures')).body.results.find((p: { name: string }) => p.name === 'Headplate implant').id;
    const r = await t.patch(`/surgeries/${surgeryId}`, { outcome_type: 'n', end_time: '2024-05-01T10:00:00', procedures: [headplate], users: [zmId] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ outcome_type: 'n', procedures: [headplate], users: [zmId] });
    const s = await subjectRow();
    expect([s.actual_severity, s.protocol_number, s.death_date]).toEqual([3, '2', '2024-05-01']);
    expect((await t.get('/surgeries?procedure=headplate implant')).body.count).toBe(1);
    await t.services.db.update(subjects).set({ death_date: null }).where(eq(subjects.id, subjectId));
  });
});

describe('/culls', () => {
  it('sets the death date and ends open water restrictions; deleting revives (§4.15)', async () => {
    await t.post('/weighings', { subject: 'M1', weight: 20, date_time: '2024-05-30T09:00:00' });
    const wr = await t.post('/water-restrictions', { subject: 'M1', start_time: '2024-06-01T09:00:00' });
    expect(wr.status).toBe(201);
    expect((await subjectRow()).protocol_number).toBe('3');
    expect((await t.post('/culls', { subject: 'M1', date: '2023-12-01' })).body).toEqual({ date: ['Cull date must be after birth date.'], status_code: 400 });
    const c = await t.post('/culls', { subject: 'M1', date: '2024-06-10', cull_reason: 'underweight', cull_method: 'CO2' });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ subject: 'M1', date: '2024-06-10', user: 'test_admin', cull_reason: 'underweight', cull_method: 'CO2' });
    expect((await subjectRow()).death_date).toBe('2024-06-10');
    const [restriction] = await t.services.db.select().from(waterRestrictions).where(eq(waterRestrictions.id, wr.body.id));
    expect(restriction.end_time).toMatch(/^2024-06-10 00:00:00/);
    expect((await t.get('/water-restricted-subjects')).body.count).toBe(0);
    expect((await t.post('/culls', { subject: 'M1', date: '2024-06-11' })).body).toEqual({ subject: ['cull with this subject already exists.'], status_code: 400 });
    expect((await t.del(`/culls/${c.body.id}`)).status).toBe(204);
    expect((await subjectRow()).death_date).toBeNull();
  });

  it('serves cull reasons and methods from the seed', async () => {
    expect((await t.get('/cull-reasons')).body.count).toBe(7);
    expect((await t.get('/cull-methods?name=CO2')).body.results).toEqual([
      { id: '13407b51-a6ba-4176-9dea-b852741f8eb4', name: 'CO2', description: '', json: null },
    ]);
  });
});

describe('/locations and /procedures', () => {
  it('lets locations be read and patched, but not created or deleted', async () => {
    const r = await t.patch('/locations/Surgery Room', { json: { rig: 1 } });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['name', 'lab', 'json']);
    expect(r.body).toEqual({ name: 'Surgery Room', lab: 'cortexlab', json: { rig: 1 } });
    expect((await t.post('/locations', { name: 'x' })).status).toBe(405);
    expect((await t.del('/locations/Surgery%20Room')).status).toBe(405);
    expect((await t.get('/locations?name=nothing')).body.count).toBe(1); // no filters at all
  });

  it('lists the 33 seeded procedure types and creates new ones', async () => {
    const list = await t.get('/procedures');
    expect(list.body.count).toBe(33);
    expect(Object.keys(list.body.results[0])).toEqual(['id', 'name', 'json', 'description']);
    const r = await t.post('/procedures', { name: 'Grooming', description: 'a' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: expect.any(String), name: 'Grooming', json: null, description: 'a' });
    expect((await t.post('/procedures', { name: '' })).body).toEqual({ name: ['This field may not be blank.'], status_code: 400 });
  });
});

describe('admin-only action lists', () => {
  it('creates virus injections and other actions with natural keys', async () => {
    const v = await t.post('/virus-injections', { subject: 'M1', users: ['zmanning'], injection_volume: 50, injection_type: 'P', start_time: '2024-02-01T10:00:00' });
    expect(v.status).toBe(201);
    expect(v.body).toMatchObject({ subject: 'M1', users: ['zmanning'], injection_volume: 50, injection_type: 'P', start_time: '2024-02-01T10:00:00' });
    expect((await t.post('/virus-injections', { subject: 'M1', injection_type: 'X' })).status).toBe(400);
    expect((await t.post('/other-actions', { subject: 'M1', narrative: 'handled' })).status).toBe(201);
    expect((await t.get('/other-actions?subject=M1')).body.results[0].narrative).toBe('handled');
    expect((await t.post('/chronic-recordings', { subject: 'M1' })).status).toBe(201);
  });
});

describe('responsible user change', () => {
  it('notifies the old and the new responsible user', async () => {
    const r = await t.patch('/subjects/M1', { responsible_user: 'olivier' });
    expect(r.status).toBe(200);
    const list = (await t.get('/notifications?notification_type=responsible_user_change')).body.results;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ title: 'Responsible user of M1 changed from zmanning to olivier', users: ['olivier', 'zmanning'], subject: 'M1' });
  });
});

describe('/api/schema', () => {
  it('lists every actions endpoint and every session filter (ONE reads them)', async () => {
    const r = await t.get('/api/schema?format=json');
    const doc = JSON.parse(r.text);
    for (const p of ['/sessions', '/sessions/{id}', '/weighings', '/weighings/{id}', '/water-administrations', '/water-requirement/{nickname}',
      '/water-restriction', '/water-restricted-subjects', '/water-type', '/water-type/{name}', '/locations', '/locations/{name}', '/procedures',
      '/surgeries', '/surgeries/{id}']) expect(Object.keys(doc.paths)).toContain(p);
    const names = doc.paths['/sessions'].get.parameters.map((p: { name: string }) => p.name);
    for (const f of ['subject', 'nickname', 'users', 'date_range', 'lab', 'location', 'json', 'extended_qc', 'qc', 'type', 'task_protocol',
      'procedures', 'projects', 'project', 'dataset_types', 'datasets', 'dataset_qc_lte', 'performance_gte', 'performance_lte',
      'atlas_name', 'atlas_acronym', 'atlas_id', 'histology', 'tag', 'django', 'id', 'name', 'narrative', 'start_time', 'end_time',
      'parent_session', 'number', 'n_trials', 'n_correct_trials', 'auto_datetime', 'limit', 'offset']) expect(names).toContain(f);
    const wr = doc.paths['/water-requirement/{nickname}'].get.parameters.map((p: { name: string }) => p.name);
    expect(wr).toEqual(expect.arrayContaining(['start_date', 'end_date']));
    expect(doc.paths['/weighings/{id}'].patch).toBeUndefined();
    expect(doc.paths['/surgeries'].post).toBeUndefined();
  });
});

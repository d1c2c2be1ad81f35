// Subject fields and filters that read tables of the actions app (sessions, water restrictions,
// culls). Rows are inserted directly so that these tests only depend on the actions tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { culls, sessionProjects, sessions, waterRestrictions } from '../../src/apps/actions/tables.ts';
import { projects } from '../../src/apps/subjects/tables.ts';

let t: TestApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  for (const nickname of ['WR_1', 'WR_2', 'WR_dead']) {
    const r = await t.post('/subjects', { nickname, lab: 'cortexlab', ...(nickname === 'WR_dead' ? { death_date: '2020-01-01' } : {}) });
    expect(r.status).toBe(201);
    ids[nickname] = r.body.id;
  }
  for (const name of ['proj_b', 'proj_a']) expect((await t.post('/projects', { name })).status).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

describe('subjects and actions', () => {
  it('lists the distinct projects of the subject sessions', async () => {
    const db = t.services.db;
    const [a] = await db.select().from(projects).where(eq(projects.name, 'proj_a'));
    const [b] = await db.select().from(projects).where(eq(projects.name, 'proj_b'));
    const rows = await db
      .insert(sessions)
      .values([
        { subject: ids.WR_1, start_time: '2024-03-12 10:00:00' },
        { subject: ids.WR_1, start_time: '2024-03-13 10:00:00' },
      ])
      .returning({ id: sessions.id });
    await db.insert(sessionProjects).values([
      { session: rows[0].id, project: b.id },
      { session: rows[1].id, project: b.id },
      { session: rows[1].id, project: a.id },
    ]);
    const list = await t.get('/subjects?nickname=WR_1');
    expect(list.body.results[0].session_projects).toEqual(['proj_a', 'proj_b']);
    expect(list.body.results[0].projects).toEqual([]);
    const detail = await t.get('/subjects/WR_1');
    expect(detail.body.session_projects).toEqual(['proj_a', 'proj_b']);
    expect((await t.get('/subjects/WR_2')).body.session_projects).toEqual([]);
    const r = await t.get('/subjects?django=actions_sessions__projects__name,proj_a');
    expect(r.body.results.map((s: { nickname: string }) => s.nickname)).toEqual(['WR_1']);
  });

  it('filters water_restricted on open restrictions of living subjects', async () => {
    await t.services.db.insert(waterRestrictions).values([
      { subject: ids.WR_1, start_time: '2024-03-01 09:00:00', end_time: null },
      { subject: ids.WR_2, start_time: '2024-01-01 09:00:00', end_time: '2024-02-01 09:00:00' },
      { subject: ids.WR_dead, start_time: '2019-12-01 09:00:00', end_time: null },
    ]);
    const names = async (q: string) => (await t.get(`/subjects?${q}`)).body.results.map((s: { nickname: string }) => s.nickname);
    expect(await names('water_restricted=true')).toEqual(['WR_1']);
    expect(await names('water_restricted=false')).toEqual(['WR_2']);
    expect(await names('water_restricted=1')).toEqual(['WR_1', 'WR_2', 'WR_dead']);
  });

  it('keeps the cull date on the death date', async () => {
    await t.services.db.insert(culls).values({ subject: ids.WR_dead, date: '2020-01-01' });
    const r = await t.patch('/subjects/WR_dead', { death_date: '2020-01-05' });
    expect(r.status).toBe(200);
    const [cull] = await t.services.db.select().from(culls).where(eq(culls.subject, ids.WR_dead));
    expect(cull.date).toBe('2020-01-05');
  });

  it('nests weighings and water administrations in the detail view (§6.3 shapes)', async () => {
    let r = await t.post('/weighings', { subject: 'WR_2', weight: 21.0, date_time: '2024-03-11T08:55:00' });
    expect(r.status).toBe(201);
    r = await t.post('/weighings', { subject: 'WR_2', weight: 19.8, date_time: '2024-03-10T10:00:00' });
    expect(r.status).toBe(201);
    r = await t.post('/water-administrations', { subject: 'WR_2', water_administered: 0.6, date_time: '2024-03-12T17:00:00' });
    expect(r.status).toBe(201);
    const d = await t.get('/subjects/WR_2');
    expect(d.body.weighings.map((w: Record<string, unknown>) => Object.keys(w))).toEqual([
      ['subject', 'date_time', 'weight', 'user', 'url'],
      ['subject', 'date_time', 'weight', 'user', 'url'],
    ]);
    expect(d.body.weighings.map((w: { weight: number }) => w.weight)).toEqual([19.8, 21.0]);
    expect(d.body.weighings[0]).toMatchObject({ subject: 'WR_2', date_time: '2024-03-10T10:00:00', user: 'test_admin' });
    expect(d.body.weighings[0].url).toMatch(/\/weighings\/[0-9a-f-]{36}$/);
    expect(d.body.water_administrations).toHaveLength(1);
    expect(Object.keys(d.body.water_administrations[0])).toEqual([
      'subject', 'date_time', 'water_administered', 'water_type', 'user', 'url', 'session', 'adlib',
    ]);
    expect(d.body.water_administrations[0]).toMatchObject({ subject: 'WR_2', water_administered: 0.6, session: null, adlib: false });
    for (const key of ['reference_weight', 'expected_water', 'remaining_water']) expect(typeof d.body[key]).toBe('number');
    // the list view has no nested lists
    const l = await t.get('/subjects?nickname=WR_2');
    expect(Object.keys(l.body.results[0])).not.toContain('weighings');
    expect((await t.get('/subjects/WR_1')).body.weighings).toEqual([]);
  });

  it('deleting a subject cascades to its actions (confirmed by ?cascade=true)', async () => {
    const refused = await t.del('/subjects/WR_1');
    expect(refused.status).toBe(409);
    expect(refused.body.would_delete['actions.session']).toBeGreaterThan(0);
    expect((await t.del('/subjects/WR_1?cascade=true')).status).toBe(204);
    const left = await t.services.db.select().from(sessions).where(eq(sessions.subject, ids.WR_1));
    expect(left).toEqual([]);
  });
});

describe('OpenAPI', () => {
  it('lists every subjects filter and the request body of /subjects and /projects', async () => {
    const r = await t.get('/api/schema?format=json');
    expect(r.status).toBe(200);
    const doc = r.body;
    const params = doc.paths['/subjects'].get.parameters.map((p: { name: string }) => p.name);
    for (const name of ['limit', 'offset', 'nickname', 'alive', 'stock', 'water_restricted', 'lab', 'responsible_user', 'project', 'django', 'sex', 'genotype', 'projects']) {
      expect(params, name).toContain(name);
    }
    const ref = doc.paths['/subjects'].post.requestBody.content['application/json'].schema.$ref as string;
    const body = doc.components.schemas[ref.split('/').pop()!];
    expect(Object.keys(body.properties)).toContain('lab');
    expect(body.required).toContain('lab');
    expect(doc.paths['/subjects/{nickname}']).toBeDefined();
    expect(doc.paths['/projects/{name}']).toBeDefined();
    const projectParams = doc.paths['/projects'].get.parameters.map((p: { name: string }) => p.name);
    expect(projectParams).not.toContain('django');
  });
});

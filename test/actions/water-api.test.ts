// Weighings, water administrations, restrictions, types and the water-control endpoints
// (spec-core §2.8, §2.10–2.14, §4.15, §4.16, §6.9–6.12), with the worked example of §6.11.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { surgeries, waterRestrictions, weighings } from '../../src/apps/actions/tables.ts';
import { nowInZone } from '../../src/rest/values.ts';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
let sessionId: string;
let subjectId: string;

beforeAll(async () => {
  t = await startTestApp();
  expect((await t.patch('/labs/cortexlab', { zscore_weight_pct: 0.8 })).status).toBe(200);
  await t.createUser('zmanning');
  const s = await t.post('/subjects', { nickname: 'ZM_1745', lab: 'cortexlab', sex: 'F', birth_date: '2024-01-10', responsible_user: 'zmanning' });
  expect(s.status).toBe(201);
  subjectId = s.body.id;
  expect((await t.post('/subjects', { nickname: 'ZM_1746', lab: 'cortexlab', sex: 'M', birth_date: '2023-11-02' })).status).toBe(201);
  // /surgeries has no POST upstream: the implant comes in through the database
  await t.services.db.insert(surgeries).values({ subject: subjectId, start_time: '2024-03-01 10:00:00', implant_weight: 1.5 });
  const wr = await t.post('/water-restrictions', {
    subject: 'ZM_1745', start_time: '2024-03-11T09:00:00', reference_weight: 21.0, water_type: 'Water 10% Sucrose',
  });
  expect(wr.status, JSON.stringify(wr.body)).toBe(201);
  for (const [date_time, weight] of [['2024-03-12T10:00:00', 19.8], ['2024-03-13T10:00:00', 19.5]] as const) {
    expect((await t.post('/weighings', { subject: 'ZM_1745', date_time, weight, user: 'zmanning' })).status).toBe(201);
  }
  const ses = await t.post('/sessions', { subject: 'ZM_1745', start_time: '2024-03-12T16:20:31', number: 1 });
  sessionId = ses.body.id;
  expect((await t.post('/water-administrations', { subject: 'ZM_1745', date_time: '2024-03-12T17:00:00', water_administered: 0.6, session: sessionId, user: 'zmanning' })).status).toBe(201);
  expect((await t.post('/water-administrations', { subject: 'ZM_1745', date_time: '2024-03-12T18:00:00', water_administered: 0.3, water_type: 'Hydrogel', user: 'zmanning' })).status).toBe(201);
});
afterAll(() => t.close());

describe('GET /water-requirement/<nickname>', () => {
  it('gives the daily table of the spec, exactly (§6.11)', async () => {
    const r = await t.get('/water-requirement/ZM_1745?start_date=2024-03-12&end_date=2024-03-13');
    expect(r.status).toBe(200);
    expect(r.text).toBe(
      JSON.stringify({
        subject: 'ZM_1745', implant_weight: 1.5, reference_weight_pct: 0.0, zscore_weight_pct: 0.8,
        records: [
          { date: '2024-03-12', weight: 19.8, weighing_at: 19.8, reference_weight: 19.5, expected_weight: 21.0,
            min_weight: 17.1, percentage_weight: 93.84615384615384, given_water_reward: 0.6,
            given_water_supplement: 0.3, given_water_total: 0.8999999999999999, expected_water: 0.7320000000000001,
            excess_water: 0.16799999999999982, is_water_restricted: true, implant_weight: 1.5 },
          { date: '2024-03-13', weight: 19.5, weighing_at: 19.5, reference_weight: 19.5, expected_weight: 21.6,
            min_weight: 17.580000000000002, percentage_weight: 89.55223880597015, given_water_reward: 0,
            given_water_supplement: 0, given_water_total: 0, expected_water: 0.72, excess_water: -0.72,
            is_water_restricted: true, implant_weight: 1.5 },
        ],
      }),
    );
  });

  it('starts at the first weighing or administration by default and ends today', async () => {
    const r = await t.get('/water-requirement/ZM_1745');
    expect(r.body.records[0].date).toBe('2024-03-12');
    expect(r.body.records.length).toBeGreaterThan(600);
    expect(r.body.implant_weight).toBe(1.5);
  });

  it('covers today ± 2 days after weighing now (upstream test)', async () => {
    const s = await t.post('/subjects', { nickname: 'UP_1', lab: 'cortexlab', birth_date: '2024-01-01' });
    await t.services.db.insert(surgeries).values({ subject: s.body.id, start_time: '2024-02-01 10:00:00', implant_weight: 4.56 });
    await t.post('/water-administrations', { subject: 'UP_1', water_administered: 1.23 });
    await t.post('/weighings', { subject: 'UP_1', weight: 12.3 });
    const today = nowInZone(t.config.timeZone).slice(0, 10);
    const shift = (n: number) => new Date(Date.parse(today + 'T12:00:00Z') + n * 86_400_000).toISOString().slice(0, 10);
    const r = await t.get(`/water-requirement/UP_1?start_date=${shift(-2)}&end_date=${shift(2)}`);
    expect(r.status).toBe(200);
    expect(r.body.implant_weight).toBe(4.56);
    expect(r.body.records.map((x: { date: string }) => x.date)).toEqual([-2, -1, 0, 1, 2].map(shift));
    expect(r.body.records[2].weighing_at).toBe(12.3);
    expect(r.body.records[2].given_water_total).toBe(1.23);
    for (const i of [2, 3, 4]) expect(r.body.records[i].weight).toBe(12.3);
    expect(r.body.records[1].weight).toBe(0);
  });

  it('answers 404 for an unknown subject and 400 for bad dates', async () => {
    expect(await t.get('/water-requirement/nobody').then((r) => [r.status, r.body])).toEqual([404, { detail: 'No Subject matches the given query.', status_code: 404 }]);
    expect((await t.get('/water-requirement/ZM_1745?start_date=12-03-2024')).body).toEqual({
      start_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'], status_code: 400,
    });
    expect((await t.get('/water-requirement/ZM_1746')).status).toBe(200); // no data: starts at the birth date
    expect((await t.get('/water-requirement/ZM_1745?start_date=2024-03-13&end_date=2024-03-12')).body).toEqual({
      end_date: ['end_date must not be before start_date.'], status_code: 400,
    });
    expect((await t.get('/water-requirement/ZM_1745?start_date=1000-01-01&end_date=9999-12-31')).body).toEqual({
      start_date: ['The table covers at most 36600 days.'], status_code: 400,
    });
  });
});

describe('water numbers on subjects', () => {
  it('shows them on /subjects and /water-restricted-subjects (today: age clamped to week 96)', async () => {
    // today: z = (21 - 1.5 - 18.7)/1.2 = 0.6667 → 2.3 z + 23.6 = 25.1333; limit 0.8×25.1333 + 1.5 = 21.61 > 19.5
    // → expected water = 0.05 × (19.5 - 1.5) = 0.9, nothing given today
    const s = (await t.get('/subjects/ZM_1745')).body;
    expect(s.reference_weight).toBe(19.5);
    expect(s.last_water_restriction).toBe('2024-03-11T09:00:00');
    expect(s.expected_water).toBeCloseTo(0.9, 12);
    expect(s.remaining_water).toBeCloseTo(0.9, 12);
    expect(s.weighings.map((w: { weight: number }) => w.weight)).toEqual([19.8, 19.5]);
    expect(Object.keys(s.weighings[0])).toEqual(['subject', 'date_time', 'weight', 'user', 'url']);
    expect(s.water_administrations.map((w: { water_type: string }) => w.water_type)).toEqual(['Water 10% Sucrose', 'Hydrogel']);
    expect(Object.keys(s.water_administrations[0])).toEqual(['subject', 'date_time', 'water_administered', 'water_type', 'user', 'url', 'session', 'adlib']);
    const other = (await t.get('/subjects/ZM_1746')).body;
    expect([other.reference_weight, other.last_water_restriction, other.expected_water, other.remaining_water]).toEqual([0, null, 0, 0]);

    const r = await t.get('/water-restricted-subjects');
    expect(r.body.count).toBe(1);
    expect(Object.keys(r.body.results[0])).toEqual([
      'nickname', 'url', 'expected_water', 'remaining_water', 'reference_weight', 'last_water_restriction', 'reference_weight_pct', 'zscore_weight_pct',
    ]);
    expect(r.body.results[0]).toMatchObject({
      nickname: 'ZM_1745', url: 'http://localhost:80/subjects/ZM_1745', reference_weight: 19.5,
      last_water_restriction: '2024-03-11T09:00:00', reference_weight_pct: 0, zscore_weight_pct: 0.8,
    });
  });

  it('computes the same numbers from the weighings around today as from the whole history', async () => {
    const day = (offset: number, time = '08:00:00') => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10) + 'T' + time;
    expect((await t.post('/subjects', { nickname: 'LONG_1', lab: 'cortexlab', sex: 'M', birth_date: day(-300).slice(0, 10) })).status).toBe(201);
    const longId = (await t.get('/subjects/LONG_1')).body.id;
    const rows = [];
    for (let d = -120; d <= -3; d += 1) rows.push({ subject: longId, weight: 30 - d / 100, date_time: day(d).replace('T', ' ') });
    await t.services.db.insert(weighings).values(rows);
    await t.post('/weighings', { subject: 'LONG_1', weight: 99, date_time: day(3) }); // in the future: ignored today
    expect((await t.post('/water-restrictions', { subject: 'LONG_1', start_time: day(-60, '12:00:00'), end_time: day(-40) })).status).toBe(201);
    expect((await t.post('/water-restrictions', { subject: 'LONG_1', start_time: day(-20, '12:00:00') })).status).toBe(201);
    await t.post('/water-administrations', { subject: 'LONG_1', water_administered: 0.25 });
    // imported data may keep 0 (derive it from the weighings): make both restrictions so
    await t.services.db.update(waterRestrictions).set({ reference_weight: 0 });
    const { waterControlOf } = await import('../../src/apps/actions/water-figures.ts');
    const full = (await waterControlOf(t.services.db, (await t.get('/subjects/LONG_1')).body.id, { serverTimeZone: t.config.timeZone }))!.subjectSummary();
    const shown = (await t.get('/subjects?nickname=LONG_1')).body.results[0];
    // reference: the weighing of the last restriction's start day (20 days ago): 30 + 20/100
    expect(full.reference_weight).toBeCloseTo(30.2, 10);
    expect({
      reference_weight: shown.reference_weight, last_water_restriction: shown.last_water_restriction,
      expected_water: shown.expected_water, remaining_water: shown.remaining_water,
    }).toEqual(full);
    expect(shown.remaining_water).toBeCloseTo(full.expected_water - 0.25, 12);
  });

  it('lists restrictions on the singular path, active first (§2.13)', async () => {
    await t.services.db.update(waterRestrictions).set({ reference_weight: 21 }).where(eq(waterRestrictions.start_time, '2024-03-11 09:00:00'));
    const r = await t.get('/water-restriction?subject=zm_1745');
    expect(r.body.results).toEqual([
      { subject: 'ZM_1745', start_time: '2024-03-11T09:00:00', end_time: null, water_type: 'Water 10% Sucrose', reference_weight: 21.0 },
    ]);
    expect((await t.post('/water-restriction', {})).status).toBe(405);
  });
});

describe('relation names', () => {
  it('resolves upstream reverse names in django= lookups', async () => {
    const names = async (q: string) => (await t.get(`/subjects?django=${q}`)).body.results.map((x: { nickname: string }) => x.nickname);
    expect(await names('weighings__weight__range,(19.6,19.9)')).toEqual(['ZM_1745']);
    expect(await names('water_administrations__water_type__name,Hydrogel')).toEqual(['ZM_1745']);
    expect(await names('actions_waterrestrictions__end_time__isnull,True')).toEqual(['LONG_1', 'ZM_1745']);
    expect(await names('actions_surgerys__implant_weight,1.5')).toEqual(['ZM_1745']);
    const admins = await t.get('/water-administrations?nickname=ZM_1745&django=session__isnull,True');
    expect(admins.body.results.map((w: { water_administered: number }) => w.water_administered)).toEqual([0.3]);
    const ses = await t.get('/sessions?django=wateradmin_session_related__water_administered__gte,0.5');
    expect(ses.body.count).toBe(1);
  });
});

describe('weighings', () => {
  it('creates with defaults and refuses updates (§6.9)', async () => {
    const r = await t.post('/weighings', { subject: 'ZM_1746', weight: 12.3 });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(['subject', 'date_time', 'weight', 'user', 'url']);
    expect(r.body).toMatchObject({ subject: 'ZM_1746', weight: 12.3, user: 'test_admin' });
    expect(r.body.url).toMatch(/\/weighings\/[0-9a-f-]{36}$/);
    const id = r.body.url.slice(-36);
    expect((await t.patch(`/weighings/${id}`, { weight: 1 })).body).toEqual({ detail: 'Method "PATCH" not allowed.', status_code: 405 });
    expect((await t.get(`/weighings/${id}`)).body.weight).toBe(12.3);
    expect((await t.del(`/weighings/${id}`)).status).toBe(204);
  });

  it('refuses unknown subjects and negative weights, writing nothing', async () => {
    const before = (await t.get('/weighings')).body.count;
    expect((await t.post('/weighings', { subject: 'nobody', weight: 12.3 })).body).toEqual({ subject: ['Object with nickname=nobody does not exist.'], status_code: 400 });
    expect((await t.post('/weighings', { subject: 'ZM_1746', weight: -1 })).body).toEqual({ weight: ['Ensure this value is greater than or equal to 0.'], status_code: 400 });
    expect((await t.post('/weighings', { subject: 'ZM_1746' })).body).toEqual({ weight: ['This field is required.'], status_code: 400 });
    expect((await t.get('/weighings')).body.count).toBe(before);
  });

  it('filters by nickname, date range and user', async () => {
    expect((await t.get('/weighings?nickname=zm_1745')).body.count).toBe(2);
    expect((await t.get('/weighings?date_range=2024-03-13,2024-03-13')).body.results.map((w: { weight: number }) => w.weight)).toEqual([19.5]);
    expect((await t.get('/weighings?users=zmanning')).body.count).toBe(2);
    expect((await t.get('/weighings?location=x')).status).toBe(400);
  });
});

describe('water administrations', () => {
  it('defaults the water type to the latest restriction, keeps session as a UUID (§6.10)', async () => {
    const r = await t.post('/water-administrations', { subject: 'ZM_1745', date_time: '2024-03-14T10:00:00', water_administered: 1.23, session: sessionId });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(['subject', 'date_time', 'water_administered', 'water_type', 'user', 'url', 'session', 'adlib']);
    expect(r.body).toMatchObject({ water_type: 'Water 10% Sucrose', session: sessionId, adlib: false, water_administered: 1.23 });
    const other = await t.post('/water-administrations', { subject: 'ZM_1746', adlib: true, water_administered: null });
    expect(other.body).toMatchObject({ water_type: 'Water', adlib: true, water_administered: null });
    expect((await t.post('/water-administrations', { subject: 'ZM_1746', session: null })).body).toEqual({ session: ['This field may not be null.'], status_code: 400 });
    const detail = await t.get(`/sessions/${sessionId}`);
    expect(detail.body.wateradmin_session_related).toEqual([
      { id: expect.any(String), name: '', water_type: 'Water 10% Sucrose', water_administered: 0.6 },
      { id: r.body.url.slice(-36), name: '', water_type: 'Water 10% Sucrose', water_administered: 1.23 },
    ]);
  });

  it('refuses water after the death date, writing nothing (§4.16)', async () => {
    const s = await t.post('/subjects', { nickname: 'DEAD_1', lab: 'cortexlab', death_date: '2024-03-01' });
    expect(s.status).toBe(201);
    const r = await t.post('/water-administrations', { subject: 'DEAD_1', date_time: '2024-03-02T10:00:00', water_administered: 1 });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body)).toEqual(['date_time', 'status_code']);
    expect((await t.get('/water-administrations?nickname=DEAD_1')).body.count).toBe(0);
    expect((await t.post('/water-administrations', { subject: 'DEAD_1', date_time: '2024-03-01T10:00:00', water_administered: 1 })).status).toBe(201);
  });
});

describe('water restrictions (web UI writes, §4.15)', () => {
  it('fills a zero reference weight from the last weighing within 7 days, and sets protocol 3', async () => {
    const r = await t.post('/water-restrictions', { subject: 'ZM_1746', start_time: '2026-01-01T09:00:00' });
    // the subject's only weighing was deleted above: nothing to fill from
    expect(r.status).toBe(201);
    expect(r.body.reference_weight).toBe(0);
    expect((await t.del(`/water-restrictions/${r.body.id}`)).status).toBe(204);
    await t.post('/weighings', { subject: 'ZM_1746', weight: 25.5, date_time: '2025-12-30T10:00:00' });
    const ok = await t.post('/water-restrictions', { subject: 'ZM_1746', start_time: '2026-01-01T09:00:00' });
    expect(ok.body).toMatchObject({ reference_weight: 25.5, water_type: 'Water', end_time: null });
    expect((await t.get('/subjects/ZM_1746')).body).toMatchObject({ reference_weight: 25.5 });
    const late = await t.post('/water-restrictions', { subject: 'ZM_1746', start_time: '2026-02-01T09:00:00', end_time: '2026-02-02T09:00:00' });
    expect(late.status).toBe(400);
    expect(Object.keys(late.body)).toEqual(['reference_weight', 'status_code']);
    expect((await t.post('/water-restrictions', { subject: 'ZM_1746', start_time: '2026-01-05T09:00:00', end_time: '2026-01-04T09:00:00', reference_weight: 20 })).body).toEqual({
      end_time: ['The end of a water restriction must come after its start.'], status_code: 400,
    });
    expect((await t.post('/water-restrictions', { subject: 'ZM_1746', start_time: null, reference_weight: 20 })).body).toEqual({
      start_time: ['This field may not be null.'], status_code: 400,
    });
  });

  it('allows one restriction at a time, and none after death', async () => {
    const open = (await t.get('/water-restrictions?nickname=ZM_1746')).body.results[0];
    const twice = await t.post('/water-restrictions', { subject: 'ZM_1746', start_time: '2026-02-01T09:00:00', reference_weight: 25 });
    expect(twice.body).toEqual({
      start_time: ['ZM_1746 is already under water restriction from 2026-01-01T09:00:00 to now (still open); end that restriction first.'], status_code: 400,
    });
    expect((await t.patch(`/water-restrictions/${open.id}`, { end_time: '2026-01-20T09:00:00' })).status).toBe(200);
    const before = await t.post('/water-restrictions', { subject: 'ZM_1746', start_time: '2025-12-31T09:00:00', end_time: '2026-01-02T09:00:00', reference_weight: 25 });
    expect(before.body.start_time[0]).toMatch(/^ZM_1746 is already under water restriction from 2026-01-01T09:00:00 to 2026-01-20T09:00:00/);
    const next = await t.post('/water-restrictions', { subject: 'ZM_1746', start_time: '2026-02-01T09:00:00', reference_weight: 25 });
    expect(next.status).toBe(201);
    expect((await t.post('/water-restrictions', { subject: 'DEAD_1', start_time: '2024-03-05T09:00:00', reference_weight: 20 })).body).toEqual({
      start_time: ['DEAD_1 died on 2024-03-01; a water restriction cannot start after that.'], status_code: 400,
    });
  });
});

describe('water types', () => {
  it('lists on both paths, and /water-type/<name> ignores the name (trap)', async () => {
    const a = await t.get('/water-type');
    expect(a.body.count).toBe(7);
    expect(a.body.results.find((w: { name: string }) => w.name === 'Water')).toEqual({ url: 'http://localhost:80/water-type/Water', json: null, name: 'Water' });
    const b = await t.get('/water-type/Hydrogel');
    expect(b.body.count).toBe(7);
    const c = await t.post('/water-type/whatever', { name: 'Water 20% Sucrose' });
    expect(c.status).toBe(201);
    expect(c.body).toEqual({ url: 'http://localhost:80/water-type/Water%2020%25%20Sucrose', json: null, name: 'Water 20% Sucrose' });
    expect((await t.post('/water-type', { name: 'Water' })).body).toEqual({ name: ['water type with this name already exists.'], status_code: 400 });
  });
});

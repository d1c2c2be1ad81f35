// GET /api/dashboard: counts, the restricted subjects with today's water figures and flags, and the
// last sessions, in one request (src/apps/data/dashboard.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nowInZone } from '../../src/rest/values.ts';
import { startTestApp, type TestApp } from '../helpers.ts';
import { countQueries } from '../helpers-queries.ts';

let t: TestApp;
let today: string;
let yesterday: string;

beforeAll(async () => {
  t = await startTestApp();
  const now = nowInZone(t.config.timeZone);
  today = now.slice(0, 10);
  yesterday = new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  // a reference-weight lab: expected weight = the reference weight, threshold 80 % of it
  expect((await t.post('/labs', { name: 'dashlab', reference_weight_pct: 0.8 })).status).toBe(201);
  for (const nickname of ['D_LOW', 'D_OK', 'D_FORGOT', 'D_FREE']) {
    expect((await t.post('/subjects', { nickname, lab: 'dashlab', sex: 'F', birth_date: '2024-01-10' })).status).toBe(201);
  }
  for (const nickname of ['D_LOW', 'D_OK', 'D_FORGOT']) {
    const wr = await t.post('/water-restrictions', { subject: nickname, start_time: `${yesterday}T08:00:00`, reference_weight: 20 });
    expect(wr.status, JSON.stringify(wr.body)).toBe(201);
  }
  const at = `${today}T${now.slice(11, 19)}`;
  expect((await t.post('/weighings', { subject: 'D_LOW', weight: 14, date_time: at })).status).toBe(201); // 70 %
  expect((await t.post('/weighings', { subject: 'D_OK', weight: 19, date_time: at })).status).toBe(201); // 95 %
  expect((await t.post('/water-administrations', { subject: 'D_OK', water_administered: 0.5, date_time: at })).status).toBe(201);
  for (let i = 1; i <= 12; i++) {
    expect((await t.post('/sessions', { subject: 'D_FREE', lab: 'dashlab', start_time: `${today}T00:${String(i).padStart(2, '0')}:00`, number: i })).status).toBe(201);
  }
});
afterAll(async () => t.close());

describe('GET /api/dashboard', () => {
  it('needs authentication', async () => {
    expect((await t.get('/api/dashboard', { token: null })).status).toBe(403);
  });

  it('counts alive and restricted subjects, sessions of the week and datasets', async () => {
    const res = await t.get('/api/dashboard');
    expect(res.status).toBe(200);
    expect(res.body.date).toBe(today);
    expect(res.body.counts).toEqual({ alive: 4, restricted: 3, sessions_this_week: 12, datasets: 0, restricted_today: 3 });
  });

  it('flags a subject below threshold, one not weighed and without water, and orders them by urgency', async () => {
    const rows = (await t.get('/api/dashboard')).body.restricted_subjects;
    expect(rows.map((r: { nickname: string }) => r.nickname)).toEqual(['D_LOW', 'D_FORGOT', 'D_OK']);
    const [low, forgot, ok] = rows;
    expect(low).toMatchObject({
      nickname: 'D_LOW',
      lab: 'dashlab',
      weight_today: 14,
      expected_weight: 20,
      percentage_weight: 70,
      min_weight: 16,
      given_water: 0,
      flags: { below_threshold: true, weight_warning: false, not_weighed_today: false, no_water_today: true },
    });
    // below the limit: 0.05 mL per g of weight
    expect(low.expected_water).toBeCloseTo(0.7, 6);
    expect(low.remaining_water).toBeCloseTo(0.7, 6);
    expect(forgot).toMatchObject({ weight_today: null, flags: { below_threshold: false, not_weighed_today: true, no_water_today: true } });
    expect(ok).toMatchObject({ weight_today: 19, percentage_weight: 95, given_water: 0.5, flags: { below_threshold: false, not_weighed_today: false, no_water_today: false } });
    expect(ok.remaining_water).toBeCloseTo(0.04 * 19 - 0.5, 6);
    expect(ok.restricted_since).toBe(`${yesterday}T08:00:00`);
  });

  it('lists the last 10 sessions, newest first', async () => {
    const recent = (await t.get('/api/dashboard')).body.recent_sessions;
    expect(recent).toHaveLength(10);
    expect(recent[0]).toMatchObject({ subject: 'D_FREE', lab: 'dashlab', number: 12, start_time: `${today}T00:12:00` });
    expect(recent.map((r: { number: number }) => r.number)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3]);
  });
});

describe('bounded queries', () => {
  it('runs the same number of statements whatever the number of restricted subjects (no query per subject)', async () => {
    const counter = countQueries(t);
    try {
      await t.get('/api/dashboard');
      const before = counter.count;
      expect(before).toBeLessThanOrEqual(12);
      for (const nickname of ['D_MORE1', 'D_MORE2']) {
        expect((await t.post('/subjects', { nickname, lab: 'dashlab', sex: 'M', birth_date: '2024-01-10' })).status).toBe(201);
        expect((await t.post('/water-restrictions', { subject: nickname, start_time: `${yesterday}T08:00:00`, reference_weight: 25 })).status).toBe(201);
      }
      counter.reset();
      const res = await t.get('/api/dashboard');
      expect(res.body.restricted_subjects).toHaveLength(5);
      expect(counter.count, counter.statements.join('\n')).toBe(before);
    } finally {
      counter.stop();
    }
  });
});

// Admin helper pages (spec-core §2.18): water history, weighing plot, training week, subject history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mondayOf } from '../../src/apps/actions/admin-pages.ts';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
let id: string;

beforeAll(async () => {
  t = await startTestApp();
  await t.patch('/labs/cortexlab', { reference_weight_pct: 0.8 });
  id = (await t.post('/subjects', { nickname: 'H1', lab: 'cortexlab', birth_date: '2024-01-01' })).body.id;
  await t.post('/weighings', { subject: 'H1', weight: 20, date_time: '2024-03-01T08:00:00' });
  await t.post('/weighings', { subject: 'H1', weight: 15, date_time: '2024-03-03T08:00:00' });
  await t.post('/water-restrictions', { subject: 'H1', start_time: '2024-03-01T09:00:00', water_type: 'Hydrogel' });
  for (const d of ['2024-03-04', '2024-03-05', '2024-03-05', '2024-03-07', '2024-03-08', '2024-03-10', '2024-03-11']) {
    await t.post('/sessions', { subject: 'H1', start_time: `${d}T10:00:00`, type: 'Experiment', n_trials: 10, n_correct_trials: 5 });
  }
});
afterAll(() => t.close());

describe('admin helper pages', () => {
  it('finds the Monday of a week', () => {
    expect(mondayOf('2024-03-07')).toBe('2024-03-04');
    expect(mondayOf('2024-03-04')).toBe('2024-03-04');
    expect(mondayOf('2024-03-10')).toBe('2024-03-04');
  });

  it('shows the water history, newest day first, with the plot', async () => {
    const r = await t.get(`/admin-actions/water-history/${id}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.text).toContain(`<img src="/admin-actions/weighing-plot/${id}"`);
    const first = r.text.indexOf('<td class="l">2024-03-03</td>');
    expect(first).toBeGreaterThan(0);
    expect(r.text.indexOf('<td class="l">2024-03-01</td>')).toBeGreaterThan(first);
    // 15 / 20 = 75 %
    expect(r.text).toContain('<td>75.0%</td>');
    expect((await t.get('/admin-actions/water-history/not-a-uuid')).status).toBe(404);
  });

  it('draws the weighing plot as SVG', async () => {
    const r = await t.get(`/admin-actions/weighing-plot/${id}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(r.text).toContain('Weighings for H1 (weight &gt; 0.8*ref + 0.0*zscore)');
    expect(r.text.match(/<circle /g)).toHaveLength(2);
  });

  it('counts training days in the week', async () => {
    const r = await t.get('/admin-actions/training/2024-03-06');
    expect(r.status).toBe(200);
    expect(r.text).toContain('week of 2024-03-04');
    // sessions on Mon, Tue (twice), Thu, Fri, Sun: 5 distinct days → ok
    expect(r.text).toMatch(/H1<\/a><\/td><td class="l">test_admin<\/td><td>5<\/td><td>ok<\/td><td>✓<\/td><td>✓<\/td><td>✗<\/td><td>✓<\/td><td>✓<\/td><td>✗<\/td><td>✓<\/td>/);
    expect((await t.get('/admin-actions/training/')).status).toBe(200);
    expect((await t.get('/admin-actions/training/2024-13-01')).status).toBe(404);
  });

  it('lists the subject actions, newest first', async () => {
    const r = await t.get(`/admin-actions/subject-history/${id}`);
    expect(r.status).toBe(200);
    const rows = [...r.text.matchAll(/<tr><td class="l">([^<]*)<\/td><td class="l">([^<]*)<\/td><td class="l">([^<]*)<\/td>/g)].map((m) => [m[1], m[2], m[3]]);
    expect(rows[0]).toEqual(['session', 'Experiment', '2024-03-11T10:00:00']);
    expect(rows.at(-1)).toEqual(['water restriction', 'Hydrogel', '2024-03-01T09:00:00']);
    expect(rows).toHaveLength(8);
  });
});

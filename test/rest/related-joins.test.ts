// Related rows' natural keys are read through LEFT JOINs of the list and detail queries
// (src/rest/fields.ts slugPreload): several foreign keys to one table each read their own row, an
// empty foreign key renders null without dropping its row, and no join multiplies the rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  for (const [nickname, sex] of [['dad', 'M'], ['mum', 'F'], ['aunt', 'F']]) {
    expect((await t.post('/subjects', { nickname, sex, lab: 'cortexlab' })).status).toBe(201);
  }
  expect((await t.post('/breeding-pairs', { name: 'BP-full', father: 'dad', mother1: 'mum', mother2: 'aunt' })).status).toBe(201);
  expect((await t.post('/breeding-pairs', { name: 'BP-half', mother1: 'aunt' })).status).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

const parents = (p: Record<string, unknown>) => [p.name, p.father, p.mother1, p.mother2];

describe('related natural keys through joins', () => {
  it('reads each foreign key to the same table from its own row, and null for an empty one', async () => {
    const list = await t.get('/breeding-pairs?ordering=name');
    expect(list.status).toBe(200);
    expect(list.body.results.map(parents)).toEqual([
      ['BP-full', 'dad', 'mum', 'aunt'],
      ['BP-half', null, 'aunt', null],
    ]);
    const detail = await t.get(`/breeding-pairs/${list.body.results[0].id}`);
    expect(detail.status).toBe(200);
    expect(parents(detail.body)).toEqual(['BP-full', 'dad', 'mum', 'aunt']);
  });

  it('keeps the count and the pages of a list whose rows join several related rows', async () => {
    const page = await t.get('/breeding-pairs?limit=1&ordering=name');
    expect(page.body.count).toBe(2);
    expect(page.body.results.map(parents)).toEqual([['BP-full', 'dad', 'mum', 'aunt']]);
    const second = await t.get('/breeding-pairs?limit=1&offset=1&ordering=name');
    expect(second.body.results.map(parents)).toEqual([['BP-half', null, 'aunt', null]]);
  });

  it('filters on a related natural key while the same table is joined for the answer', async () => {
    const r = await t.get('/subjects?lab=cortexlab&nickname=aunt');
    expect(r.status).toBe(200);
    expect(r.body.results.map((s: Record<string, unknown>) => [s.nickname, s.lab])).toEqual([['aunt', 'cortexlab']]);
  });
});

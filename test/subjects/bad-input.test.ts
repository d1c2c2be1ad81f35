// Bad input on every subjects/misc resource of this app is a 4xx that changes nothing, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
const PATHS = [
  'subjects', 'projects', 'notes', 'species', 'strains', 'sources', 'sequences', 'alleles', 'lines', 'litters',
  'breeding-pairs', 'subject-requests', 'genotype-tests', 'zygosities', 'zygosity-rules', 'housings',
  'housing-subjects', 'lab-memberships', 'cage-types', 'enrichments', 'food',
];
const JUNK: unknown[] = [
  null, 'x', 12, true, [], ['a', 'b'], { nested: { deep: [1, 2] } }, 'a'.repeat(5000), "x' or 1=1; --", -1, 1e308, '2024-99-99',
];

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const p of PATHS) out[p] = (await t.get(`/${p}?limit=1`)).body.count;
  return out;
}

beforeAll(async () => {
  t = await startTestApp();
  expect((await t.post('/subjects', { nickname: 'fixture', lab: 'cortexlab' })).status).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

describe('bad input', () => {
  it('POSTing junk values in every field never answers 5xx, and refused bodies write nothing', async () => {
    const expected = await counts();
    const schema = (await t.get('/api/schema?format=json')).body;
    for (const p of PATHS) {
      const ref = schema.paths[`/${p}`].post.requestBody.content['application/json'].schema.$ref as string;
      const fields = Object.keys(schema.components.schemas[ref.split('/').pop()!].properties);
      for (const junk of JUNK) {
        const body = Object.fromEntries(fields.map((f) => [f, junk]));
        const r = await t.post(`/${p}`, body);
        expect(r.status, `${p} ${JSON.stringify(junk).slice(0, 40)} -> ${r.text.slice(0, 300)}`).toBeLessThan(500);
        if (r.status === 201) expected[p] += 1;
      }
      for (const body of ['[1]', '"text"', '{']) {
        const r = await t.request('POST', `/${p}`, body, { headers: { 'content-type': 'application/json' } });
        expect(r.status, `${p} ${body}`).toBe(400);
      }
    }
    expect(await counts()).toEqual(expected);
  });

  it('PATCHing junk into the fixture subject never answers 5xx', async () => {
    const schema = (await t.get('/api/schema?format=json')).body;
    const ref = schema.paths['/subjects'].post.requestBody.content['application/json'].schema.$ref as string;
    for (const f of Object.keys(schema.components.schemas[ref.split('/').pop()!].properties)) {
      for (const junk of JUNK) {
        const r = await t.patch('/subjects/fixture', { [f]: junk });
        expect(r.status, `${f} ${JSON.stringify(junk).slice(0, 40)} -> ${r.text.slice(0, 300)}`).toBeLessThan(500);
        if (r.status === 200 && r.body.nickname !== 'fixture') await t.patch(`/subjects/${encodeURIComponent(r.body.nickname)}`, { nickname: 'fixture' });
      }
    }
    expect((await t.get('/subjects/fixture')).status).toBe(200);
  });

  it('junk filter values and lookups never answer 5xx', async () => {
    const schema = (await t.get('/api/schema?format=json')).body;
    for (const p of PATHS) {
      const params = (schema.paths[`/${p}`].get.parameters as Array<{ name: string }>).map((x) => x.name);
      for (const name of params) {
        for (const v of ['x', "1' or '1'='1", '%', '2024-01-01', '-1', '00000000-0000-0000-0000-000000000000', 'a,b,c']) {
          const r = await t.get(`/${p}?${name}=${encodeURIComponent(v)}`);
          expect(r.status, `${p}?${name}=${v} -> ${r.text.slice(0, 200)}`).toBeLessThan(500);
        }
      }
      for (const lookup of ['nothing', '%00', "x'y", '00000000-0000-4000-8000-000000000000']) {
        const r = await t.get(`/${p}/${encodeURIComponent(lookup)}`);
        expect(r.status, `${p}/${lookup}`).toBe(404);
      }
    }
  });
});

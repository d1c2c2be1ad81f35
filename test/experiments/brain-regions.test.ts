// /brain-regions and the one-statement ancestor/descendant queries (spec-data §4.4, §9.10).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { relativesOf } from '../../src/apps/experiments/region-queries.ts';
import type { Queryable } from '../../src/db/client.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** The database handle, counting the statements sent through it. */
function counting(db: Queryable): { db: Queryable; statements: () => number } {
  let n = 0;
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop === 'execute' && typeof v === 'function')
        return (...args: unknown[]) => {
          n++;
          return v.apply(target, args);
        };
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { db: proxy, statements: () => n };
}

describe('/brain-regions', () => {
  it('is seeded with the Allen tree and renders a region as upstream', async () => {
    const r = await t.get('/brain-regions/687');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: 687,
      acronym: 'RSPv5',
      name: 'Retrosplenial area ventral part layer 5',
      description: null,
      parent: 886,
      related_descriptions: [],
    });
    const all = await t.get('/brain-regions?limit=3');
    expect(all.body.count).toBe(1328);
    expect(all.body.results.map((x: { id: number }) => x.id)).toEqual([0, 997, 8]);
  });

  it('answers ancestors and descendants, excluding void', async () => {
    const anc = await t.get('/brain-regions?ancestors=688');
    expect(anc.body.results.map((x: { id: number }) => x.id)).toEqual([997, 8, 567, 688]);
    const byAcronym = await t.get('/brain-regions?ancestors=CTX');
    expect(byAcronym.body.count).toBe(4);
    const desc = await t.get('/brain-regions?descendants=CTX&limit=1');
    expect(desc.body.count).toBe(567);
    expect(desc.body.results[0].id).toBe(688);
    expect((await t.get('/brain-regions?descendants=0')).body.count).toBe(1327);
    const unknown = await t.get('/brain-regions?ancestors=NOPE');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ ancestors: ['No brain region with acronym NOPE.'], status_code: 400 });
  });

  it('filters by acronym (any case), name, parent and id', async () => {
    expect((await t.get('/brain-regions?acronym=rspv5')).body.results[0].id).toBe(687);
    expect((await t.get('/brain-regions?name=retrosplenial%20area%20ventral')).body.count).toBe(7);
    expect((await t.get('/brain-regions?parent=886')).body.count).toBe(6);
    expect((await t.get('/brain-regions?id=687')).body.count).toBe(1);
    expect((await t.get('/brain-regions?django=acronym__startswith,RSPv')).body.count).toBe(7);
  });

  it('computes ancestors and descendants with exactly one SQL statement', async () => {
    const c = counting(t.services.db);
    expect(await relativesOf(c.db, { by: 'id', value: 688 }, 'ancestors', { excludeVoid: true })).toEqual([997, 8, 567, 688]);
    expect(c.statements()).toBe(1);
    const d = await relativesOf(c.db, { by: 'acronym', value: 'RSPv' }, 'descendants');
    expect(d).toEqual([886, 542, 606, 430, 687, 590, 622]);
    expect(c.statements()).toBe(2);
  });

  it('lets only the description change, shown in relatives', async () => {
    const r = await t.patch('/brain-regions/886', { description: 'ventral retrosplenial', acronym: 'HACK', name: 'x', parent: 1 });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 886, acronym: 'RSPv', description: 'ventral retrosplenial', parent: 254 });
    const child = await t.get('/brain-regions/687');
    expect(child.body.related_descriptions).toEqual([{ id: 886, name: 'Retrosplenial area ventral part', description: 'ventral retrosplenial', level: 8 }]);
    expect((await t.get('/brain-regions?description=VENTRAL')).body.count).toBe(1);
    expect((await t.post('/brain-regions', { id: 5, acronym: 'x', name: 'y' })).status).toBe(405);
    expect((await t.del('/brain-regions/886')).status).toBe(405);
    const missing = await t.get('/brain-regions/abc');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: 'No BrainRegion matches the given query.', status_code: 404 });
    expect((await t.get('/brain-regions/99999999')).status).toBe(404);
  });
});

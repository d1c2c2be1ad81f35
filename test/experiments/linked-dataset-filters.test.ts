// The dataset filters of /insertions and /fields-of-view (tag, dataset_types, datasets,
// dataset_qc_lte), which go through the owner <-> dataset link tables: several owners and datasets,
// so that a rewrite that confuses "some" with "all", or drops the correlation, shows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { queriesOf } from '../helpers-queries.ts';
import { makeFixtures, type Fixtures } from './fixtures.ts';
import { dataFormats, datasets, datasetTags, datasetTypes, tags } from '../../src/apps/data/tables.ts';

let t: TestApp;
let f: Fixtures;
beforeAll(async () => {
  t = await startTestApp();
  f = await makeFixtures(t, 'lnk');
  const db = t.services.db;
  const [fmt] = await db.insert(dataFormats).values({ name: 'bin_lnk', file_extension: '.bin' }).returning();
  const type: Record<string, string> = {};
  for (const n of ['A', 'B', 'C']) type[n] = (await db.insert(datasetTypes).values({ name: `type${n}_lnk` }).returning())[0].id;
  const mk = async (name: string, collection: string, t: string, qc: number) =>
    (
      await db
        .insert(datasets)
        .values({ name, collection, session: f.otherSessionId, dataset_type: type[t], data_format: fmt.id, qc })
        .returning()
    )[0].id;
  // probeA: x (A, NOT_SET) and y (B, WARNING, tagged); probeB: x (A, PASS); probeC: y (B, CRITICAL)
  // and z (C, FAIL, tagged); probeD: nothing; probeE: two w (A, PASS) in two collections
  await mk('x.npy', 'alf/probeA', 'A', 0);
  const yA = await mk('y.npy', 'alf/probeA', 'B', 30);
  await mk('x.npy', 'alf/probeB', 'A', 10);
  await mk('w.npy', 'alf/probeE', 'A', 10);
  await mk('w.npy', 'alf/probeE/sub', 'A', 10);
  await mk('y.npy', 'alf/probeC', 'B', 50);
  const zC = await mk('z.npy', 'alf/probeC', 'C', 40);
  // fields of view: FOV_01 has m (A, CRITICAL) and r (B); FOV_02 has m (A); FOV_03 nothing
  await mk('mpci.times.npy', 'alf/FOV_01', 'A', 50);
  await mk('mpciROIs.x.npy', 'alf/FOV_01', 'B', 0);
  await mk('mpci.times.npy', 'alf/FOV_02', 'A', 0);
  const [repeated] = await db.insert(tags).values({ name: 'RepeatedSite_lnk' }).returning();
  const [other] = await db.insert(tags).values({ name: 'Other_lnk' }).returning();
  await db.insert(datasetTags).values([
    { dataset: yA, tag: repeated.id },
    { dataset: zC, tag: other.id },
  ]);
  // created after their datasets: the save links the session's datasets whose collection has the name
  for (const name of ['probeA', 'probeB', 'probeC', 'probeD', 'probeE']) {
    expect((await t.post('/insertions', { session: f.otherSessionId, name })).status).toBe(201);
  }
  for (const name of ['FOV_01', 'FOV_02', 'FOV_03']) {
    expect((await t.post('/fields-of-view', { session: f.otherSessionId, name, imaging_type: 'mesoscope' })).status).toBe(201);
  }
});
afterAll(async () => {
  await t?.close();
});

const names = async (path: string, qs: string) => {
  const r = await t.get(`${path}?${qs}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.results.map((x: { name: string }) => x.name).sort();
};

describe('/insertions dataset filters', () => {
  const q = (qs: string) => names('/insertions', qs);

  it('dataset_types: owners having every listed type; duplicates ignored, an unknown type matches nothing', async () => {
    expect(await q('dataset_types=typeA_lnk')).toEqual(['probeA', 'probeB', 'probeE']);
    expect(await q('dataset_types=typeA_lnk,typeB_lnk')).toEqual(['probeA']);
    expect(await q('dataset_types=typeB_lnk,typeA_lnk,typeB_lnk')).toEqual(['probeA']);
    expect(await q('dataset_types=typeB_lnk,typeC_lnk')).toEqual(['probeC']);
    expect(await q('dataset_types=typeA_lnk,typeC_lnk')).toEqual([]);
    expect(await q('dataset_types=typeA_lnk,nope')).toEqual([]);
    expect(await q('dataset_types=nope')).toEqual([]);
    // exact names, not substrings
    expect(await q('dataset_types=typeA')).toEqual([]);
  });

  it('datasets: owners having every named dataset within the QC bound (FAIL by default)', async () => {
    expect(await q('datasets=x.npy')).toEqual(['probeA', 'probeB']);
    expect(await q('datasets=x.npy,y.npy')).toEqual(['probeA']);
    expect(await q('datasets=y.npy,x.npy,y.npy')).toEqual(['probeA']);
    // y.npy of probeC is CRITICAL: beyond the default bound
    expect(await q('datasets=y.npy')).toEqual(['probeA']);
    expect(await q('datasets=y.npy&dataset_qc_lte=CRITICAL')).toEqual(['probeA', 'probeC']);
    expect(await q('datasets=y.npy&dataset_qc_lte=50')).toEqual(['probeA', 'probeC']);
    expect(await q('datasets=x.npy,y.npy&dataset_qc_lte=WARNING')).toEqual(['probeA']);
    expect(await q('datasets=x.npy,y.npy&dataset_qc_lte=pass')).toEqual([]);
    expect(await q('datasets=x.npy&dataset_qc_lte=PASS')).toEqual(['probeA', 'probeB']);
    expect(await q('datasets=x.npy&dataset_qc_lte=NOT_SET')).toEqual(['probeA']);
    expect(await q('datasets=x.npy,nope.npy')).toEqual([]);
    expect(await q('datasets=x.npy,y.npy&dataset_qc_lte=CRITICAL')).toEqual(['probeA']);
    expect(await q('datasets=w.npy')).toEqual(['probeE']);
    const bad = await t.get('/insertions?datasets=x.npy&dataset_qc_lte=GREAT');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ dataset_qc_lte: ['GREAT is not a valid QC'], status_code: 400 });
  });

  it('datasets: counts the linked datasets of those names, as upstream does (Count of datasets, not of names)', async () => {
    // probeE has w.npy twice (two collections) and no y.npy: two datasets for two names
    expect(await q('datasets=w.npy,y.npy')).toEqual(['probeE']);
    expect(await q('datasets=w.npy,y.npy&dataset_qc_lte=CRITICAL')).toEqual(['probeE']);
  });

  it('dataset_qc_lte alone: owners with some linked dataset within the bound', async () => {
    // probeA's y.npy is WARNING: some, not all, of its datasets are within PASS
    expect(await q('dataset_qc_lte=PASS')).toEqual(['probeA', 'probeB', 'probeE']);
    expect(await q('dataset_qc_lte=NOT_SET')).toEqual(['probeA']);
    expect(await q('dataset_qc_lte=critical')).toEqual(['probeA', 'probeB', 'probeC', 'probeE']);
    expect(await q('dataset_qc_lte=10')).toEqual(['probeA', 'probeB', 'probeE']);
  });

  it('tag: a linked dataset with a tag containing the value, case-insensitive, wildcards literal', async () => {
    expect(await q('tag=repeatedsite')).toEqual(['probeA']);
    expect(await q('tag=SITE_LNK')).toEqual(['probeA']);
    expect(await q('tag=_lnk')).toEqual(['probeA', 'probeC']);
    expect(await q('tag=other')).toEqual(['probeC']);
    expect(await q('tag=brainwide')).toEqual([]);
    // '%' and '_' are not wildcards ('e_s' would match "…edSite" as a pattern)
    expect(await q('tag=%25')).toEqual([]);
    expect(await q('tag=e_s')).toEqual([]);
  });

  it('an owner without linked datasets never matches; the filters combine with each other and with others', async () => {
    for (const qs of ['dataset_qc_lte=CRITICAL', 'tag=lnk', 'dataset_types=typeA_lnk', 'datasets=x.npy&dataset_qc_lte=CRITICAL']) {
      expect(await q(qs)).not.toContain('probeD');
    }
    expect(await q('')).toContain('probeD');
    expect(await q('dataset_types=typeA_lnk&tag=repeated')).toEqual(['probeA']);
    expect(await q('dataset_types=typeA_lnk&tag=other')).toEqual([]);
    expect(await q('dataset_types=typeB_lnk&dataset_qc_lte=PASS')).toEqual(['probeA']);
    expect(await q('name=probeB&dataset_types=typeA_lnk')).toEqual(['probeB']);
    expect(await q(`session=${f.otherSessionId}&datasets=x.npy&tag=repeated`)).toEqual(['probeA']);
    expect(await q(`session=${f.sessionId}&dataset_types=typeA_lnk`)).toEqual([]);
  });

  it('runs subqueries correlated to each owner (exists, count), not "id in (select ...)"', async () => {
    for (const qs of [
      'dataset_types=typeA_lnk,typeB_lnk&datasets=x.npy,y.npy&tag=repeated',
      'dataset_qc_lte=PASS&tag=site',
    ]) {
      const statements = await queriesOf(t, () => t.get(`/insertions?${qs}`));
      const text = statements.join('\n');
      expect(text).toContain('exists (select 1 from "experiments_probeinsertion_datasets"');
      expect(text).not.toMatch(/ in \(select/i);
    }
  });
});

describe('/fields-of-view dataset filters', () => {
  const q = (qs: string) => names('/fields-of-view', qs);

  it('dataset_types and datasets (without QC bound) through the FOV links', async () => {
    expect(await q('dataset_types=typeA_lnk')).toEqual(['FOV_01', 'FOV_02']);
    expect(await q('dataset_types=typeA_lnk,typeB_lnk')).toEqual(['FOV_01']);
    expect(await q('dataset_types=typeB_lnk,typeA_lnk,typeB_lnk')).toEqual(['FOV_01']);
    expect(await q('dataset_types=typeA_lnk,nope')).toEqual([]);
    // no QC bound on fields of view: FOV_01's CRITICAL mpci.times counts
    expect(await q('datasets=mpci.times.npy')).toEqual(['FOV_01', 'FOV_02']);
    expect(await q('datasets=mpci.times.npy,mpciROIs.x.npy')).toEqual(['FOV_01']);
    expect(await q('datasets=mpci.times.npy,nope.npy')).toEqual([]);
    expect(await q('')).toContain('FOV_03');
    expect(await q('datasets=mpci.times.npy&name=FOV_02')).toEqual(['FOV_02']);
    expect(await q('dataset_types=typeA_lnk&imaging_type=meso')).toEqual(['FOV_01', 'FOV_02']);
    // the insertions' datasets are not linked to fields of view
    expect(await q('datasets=x.npy')).toEqual([]);
  });

  it('runs subqueries correlated to each owner (exists, count), not "id in (select ...)"', async () => {
    const statements = await queriesOf(t, () => t.get('/fields-of-view?dataset_types=typeA_lnk,typeB_lnk&datasets=mpci.times.npy'));
    const text = statements.join('\n');
    expect(text).toContain('exists (select 1 from "experiments_fov_datasets"');
    expect(text).not.toMatch(/ in \(select/i);
  });
});

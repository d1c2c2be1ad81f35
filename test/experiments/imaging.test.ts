// /fields-of-view, /fov-location, /imaging-stack (spec-data §4.6, §9.13) and the API description.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { makeFixtures, type Fixtures } from './fixtures.ts';

let t: TestApp;
let f: Fixtures;
beforeAll(async () => {
  t = await startTestApp();
  f = await makeFixtures(t, 'img');
});
afterAll(async () => {
  await t?.close();
});

const FOV_KEYS = ['id', 'imaging_type', 'location', 'name', 'json', 'session', 'stack', 'datasets'];
const LOC_KEYS = ['id', 'brain_region', 'coordinate_system', 'provenance', 'x', 'y', 'z', 'n_xyz', 'default_provenance', 'auto_datetime'];
const LOC_DETAIL_KEYS = ['id', 'brain_region', 'coordinate_system', 'provenance', 'x', 'y', 'z', 'n_xyz', 'json', 'field_of_view', 'default_provenance', 'auto_datetime'];

describe('imaging', () => {
  let fov: string;
  let hist: string;

  it('creates a field of view and its locations', async () => {
    const r = await t.post('/fields-of-view', { session: f.sessionId, name: 'FOV_00', imaging_type: 'mesoscope' });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(FOV_KEYS);
    expect(r.body).toMatchObject({ imaging_type: 'mesoscope', location: [], name: 'FOV_00', json: null, session: f.sessionId, datasets: [], stack: null });
    fov = r.body.id;
    const h = await t.post('/fov-location', {
      field_of_view: fov,
      provenance: 'H',
      default_provenance: true,
      brain_region: [53, 348, 355],
      x: [1, 2, 3, 4],
      y: [1, 2, 3, 4],
      z: [0, 0, 0, 0],
      n_xyz: [512, 512, 1],
    });
    expect(h.status).toBe(201);
    expect(Object.keys(h.body)).toEqual(LOC_DETAIL_KEYS);
    expect(h.body).toMatchObject({ brain_region: [53, 348, 355], coordinate_system: 'IBL-Allen', provenance: 'H', n_xyz: [512, 512, 1], x: [1, 2, 3, 4] });
    hist = h.body.id;
    const e = await t.post('/fov-location', { field_of_view: fov, provenance: 'E', default_provenance: true, x: [5], y: [5], z: [5], n_xyz: [1, 1, 1] });
    expect(e.status).toBe(201);
    // only one default location per field of view
    expect((await t.get(`/fov-location/${hist}`)).body.default_provenance).toBe(false);
    await t.patch(`/fov-location/${hist}`, { default_provenance: true });
    const got = await t.get(`/fields-of-view/${fov}`);
    expect(got.body.location.map((l: { provenance: string; default_provenance: boolean }) => [l.provenance, l.default_provenance])).toEqual([
      ['H', true],
      ['E', false],
    ]);
    expect(Object.keys(got.body.location[0])).toEqual(LOC_KEYS);
  });

  it('refuses bad locations and duplicates with 400s', async () => {
    const dup = await t.post('/fov-location', { field_of_view: fov, provenance: 'H' });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual({ non_field_errors: ['The fields provenance, field_of_view must make a unique set.'], status_code: 400 });
    const bad = await t.post('/fov-location', { field_of_view: fov, provenance: 'Q', x: [1, 2, 3, 4, 5, 6, 7, 8, 9], n_xyz: [1.5] });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      provenance: ['"Q" is not a valid choice.'],
      x: ['Ensure this field has no more than 8 elements.'],
      n_xyz: ['A valid integer is required.'],
      status_code: 400,
    });
    const dupFov = await t.post('/fields-of-view', { session: f.sessionId, name: 'FOV_00', imaging_type: 'mesoscope' });
    expect(dupFov.status).toBe(400);
    expect(dupFov.body).toEqual({ non_field_errors: ['The fields session, name must make a unique set.'], status_code: 400 });
  });

  it('filters fields of view and locations', async () => {
    expect((await t.get('/fields-of-view?atlas_id=348')).body.count).toBe(1);
    expect((await t.get('/fields-of-view?atlas_acronym=MB')).body.count).toBe(1);
    expect((await t.get('/fields-of-view?atlas_acronym=CTX')).body.count).toBe(1);
    expect((await t.get('/fields-of-view?atlas_acronym=CB')).body.count).toBe(0);
    expect((await t.get('/sessions?atlas_acronym=MB')).body.results.map((s: { id: string }) => s.id)).toEqual([f.sessionId]);
    const detail = await t.get(`/sessions/${f.sessionId}`);
    expect(detail.body.field_of_view.map((x: { name: string }) => x.name)).toEqual(['FOV_00']);
    expect(Object.keys(detail.body.field_of_view[0])).toEqual(FOV_KEYS);
    expect((await t.get('/fields-of-view?imaging_type=meso&subject=KS_img&lab=LAB_IMG')).body.count).toBe(1);
    expect((await t.get('/fov-location?provenance=histology')).body.count).toBe(1);
    expect((await t.get('/fov-location?n_xyz=512&x=3')).body.count).toBe(1);
    expect((await t.get('/fov-location?coordinate_system=IBL-Allen')).body.count).toBe(2);
    const bad = await t.get('/fov-location?provenance=Guess');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ provenance: ['Invalid provenance, choices are: Estimate, Functional, Landmark, Histology'], status_code: 400 });
  });

  it('groups fields of view of one session in a stack', async () => {
    const s = await t.post('/imaging-stack', { name: 'stack_a' });
    expect(s.status).toBe(201);
    expect(Object.keys(s.body)).toEqual(['id', 'slices', 'name', 'json']);
    await t.patch(`/fields-of-view/${fov}`, { stack: s.body.id });
    const other = await t.post('/fields-of-view', { session: f.otherSessionId, name: 'FOV_01', imaging_type: 'mesoscope', stack: s.body.id });
    expect(other.status).toBe(400);
    expect(other.body).toEqual({ non_field_errors: ['Stack fields of view must belong to the same session'], status_code: 400 });
    const list = await t.get('/imaging-stack?atlas_id=348');
    expect(list.body.count).toBe(1);
    expect(Object.keys(list.body.results[0])).toEqual(['id', 'slices']);
    expect(list.body.results[0].slices.map((x: { name: string }) => x.name)).toEqual(['FOV_00']);
    expect((await t.patch(`/imaging-stack/${s.body.id}`, { name: 'b' })).status).toBe(405);
  });

  it('describes the experiments and jobs endpoints in the API schema', async () => {
    const r = await t.get('/api/schema');
    expect(r.status).toBe(200);
    const paths = r.body.paths;
    expect(Object.keys(paths['/insertions']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/insertions/{id}']).sort()).toEqual(['delete', 'get', 'patch', 'put']);
    expect(Object.keys(paths['/brain-regions/{id}']).sort()).toEqual(['get', 'patch', 'put']);
    expect(paths['/tasks']).toBeDefined();
    expect(paths['/tasks-summary/{session}']).toBeDefined();
  });
});

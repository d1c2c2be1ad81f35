// Compatibility details of issue 9: /auth-token in the schema, serializer key order of the
// insertion and FOV list serializers, datasets linked to insertions and FOVs when they are saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { makeRegistrationSite } from '../data/fixtures.ts';

let t: TestApp;
let sessionId: string;
beforeAll(async () => {
  t = await startTestApp();
  ({ sessionId } = await makeRegistrationSite(t, {
    lab: 'compatlab',
    subject: 'KS_C',
    startTime: '2020-01-01T10:00:00',
    repository: 'rig_c',
    typeNames: ['spikes.times', 'wheel.position', 'mpci.times'],
  }));
});
afterAll(async () => t?.close());

describe('compatibility details', () => {
  it('/api/schema lists POST /auth-token', async () => {
    const r = await t.get('/api/schema?format=json', { token: null });
    expect(r.status).toBe(200);
    const doc = JSON.parse(r.text);
    expect(Object.keys(doc.paths['/auth-token'] ?? {})).toEqual(['post']);
  });

  it('insertions and fields of view answer foreign keys before many-to-many fields (DRF "__all__" order)', async () => {
    const ins = await t.post('/insertions', { session: sessionId, name: 'probe00' });
    expect(ins.status).toBe(201);
    const keys = Object.keys(ins.body);
    expect(keys.slice(-2)).toEqual(['chronic_insertion', 'datasets']);
    expect(Object.keys((await t.get('/insertions')).body.results?.[0] ?? (await t.get('/insertions')).body[0]).slice(-2)).toEqual(['chronic_insertion', 'datasets']);
    const fov = await t.post('/fields-of-view', { session: sessionId, name: 'FOV_00', imaging_type: 'mesoscope' });
    expect(fov.status).toBe(201);
    expect(Object.keys(fov.body).slice(-2)).toEqual(['stack', 'datasets']);
  });

  it('datasets registered with the probe or FOV name in their collection are linked to it', async () => {
    const reg = await t.post('/register-file', {
      path: 'KS_C/2020-01-01/001',
      filenames: ['alf/probe00/spikes.times.npy', 'alf/probe01/spikes.times.npy', 'alf/wheel.position.npy', 'alf/FOV_00/mpci.times.npy'],
      name: 'rig_c',
    });
    expect(reg.status, reg.text).toBe(201);
    const idOf = (collection: string) => reg.body.find((d: { collection: string }) => d.collection === collection).id;
    const ins = (await t.get('/insertions?name=probe00')).body;
    const row = (ins.results ?? ins)[0];
    expect(row.datasets).toEqual([idOf('alf/probe00')]);
    const found = (await t.get('/insertions?dataset_types=spikes.times')).body;
    expect((found.results ?? found).map((x: { name: string }) => x.name)).toEqual(['probe00']);
    expect(((await t.get('/insertions?dataset_types=wheel.position')).body.results ?? []).length).toBe(0);
    const detail = await t.get(`/insertions/${row.id}`);
    expect(detail.body.datasets.map((d: { id: string }) => d.id)).toEqual([idOf('alf/probe00')]);
    const fov = (await t.get('/fields-of-view?name=FOV_00')).body;
    expect((fov.results ?? fov)[0].datasets).toEqual([idOf('alf/FOV_00')]);
  });

  it('a dataset created through /datasets is linked too; one that names no insertion keeps its links', async () => {
    const d = await t.post('/datasets', { name: 'spikes.amps.npy', dataset_type: 'spikes.times', session: sessionId, collection: 'alf/probe00/ks2' });
    expect(d.status, d.text).toBe(201);
    const id = d.body.id ?? String(d.body.url).split('/').pop();
    const ins = (await t.get('/insertions?name=probe00')).body;
    const row = (ins.results ?? ins)[0];
    expect(row.datasets).toContain(id);
    const moved = await t.patch(`/datasets/${id}`, { collection: 'alf/nothing' });
    expect(moved.status).toBe(200);
    const again = (await t.get('/insertions?name=probe00')).body;
    expect((again.results ?? again)[0].datasets).toContain(id);
  });
});

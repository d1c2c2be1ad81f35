// /trajectories, /channels (bulk) and the atlas filters (spec-data §4.1–4.3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { makeFixtures, type Fixtures } from './fixtures.ts';

let t: TestApp;
let f: Fixtures;
let pid: string;
beforeAll(async () => {
  t = await startTestApp();
  f = await makeFixtures(t, 'trj');
  pid = (await t.post('/insertions', { session: f.sessionId, name: 'probe_00' })).body.id;
});
afterAll(async () => {
  await t?.close();
});

const TRAJ_KEYS = ['id', 'probe_insertion', 'x', 'y', 'z', 'depth', 'theta', 'phi', 'roll', 'provenance', 'session', 'probe_name', 'coordinate_system', 'datetime', 'json', 'chronic_insertion'];
const mm = { x: -4521.2, y: 2415.0, z: 0.0, depth: 5000.0, theta: 10.0, phi: 80.0, roll: 0.0 };

describe('/trajectories', () => {
  let micro: string;
  let aligned: string;

  it('creates a trajectory shown with its provenance label and session', async () => {
    const r = await t.post('/trajectories', { probe_insertion: pid, ...mm, provenance: 'Micro-manipulator' });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(TRAJ_KEYS);
    micro = r.body.id;
    expect(r.body).toMatchObject({
      probe_insertion: pid,
      ...mm,
      provenance: 'Micro-manipulator',
      probe_name: 'probe_00',
      coordinate_system: null,
      json: null,
      chronic_insertion: null,
    });
    expect(r.body.session).toMatchObject({ subject: 'KS_trj', id: f.sessionId, number: 1, lab: 'lab_trj' });
    const a = await t.post('/trajectories', {
      probe_insertion: pid,
      x: 1,
      y: 2,
      depth: 3,
      theta: 4,
      phi: 5,
      provenance: 'Ephys aligned histology track',
      coordinate_system: 'IBL-Allen',
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ z: null, roll: null, coordinate_system: 'IBL-Allen', provenance: 'Ephys aligned histology track' });
    aligned = a.body.id;
  });

  it('requires the coordinates (nullable) and an exact provenance label', async () => {
    const r = await t.post('/trajectories', { probe_insertion: pid, provenance: 'planned' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      x: ['This field is required.'],
      y: ['This field is required.'],
      depth: ['This field is required.'],
      theta: ['This field is required.'],
      phi: ['This field is required.'],
      provenance: ['Invalid provenance, choices are: Ephys aligned histology track, Histology track, Micro-manipulator, Planned'],
      status_code: 400,
    });
    const nulls = await t.post('/trajectories', { x: null, y: null, depth: null, theta: null, phi: null, provenance: 'Planned' });
    expect(nulls.status).toBe(201);
    expect(nulls.body).toMatchObject({ probe_insertion: null, session: null, probe_name: null, x: null });
  });

  it('refuses a second trajectory of one provenance for an insertion', async () => {
    const r = await t.post('/trajectories', { probe_insertion: pid, ...mm, provenance: 'Micro-manipulator' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ non_field_errors: ['The fields provenance, probe_insertion must make a unique set.'], status_code: 400 });
    const patch = await t.patch(`/trajectories/${micro}`, { provenance: 'Ephys aligned histology track' });
    expect(patch.status).toBe(400);
    const ok = await t.patch(`/trajectories/${micro}`, { depth: 4000 });
    expect(ok.status).toBe(200);
    expect(ok.body.depth).toBe(4000);
    expect(ok.body.provenance).toBe('Micro-manipulator');
  });

  it('filters by provenance label (any case), insertion and session, highest provenance first', async () => {
    const list = await t.get(`/trajectories?probe_insertion=${pid}`);
    expect(list.body.results.map((r: { provenance: string }) => r.provenance)).toEqual(['Ephys aligned histology track', 'Micro-manipulator']);
    const micro2 = await t.get(`/trajectories?probe_insertion=${pid}&provenance=micro-manipulator`);
    expect(micro2.body.count).toBe(1);
    expect(micro2.body.results[0].id).toBe(micro);
    expect((await t.get(`/trajectories?session=${f.sessionId}`)).body.count).toBe(2);
    expect((await t.get('/trajectories?probe=probe_00&subject=KS_trj')).body.count).toBe(2);
    const bad = await t.get('/trajectories?provenance=Guess');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      provenance: ['Invalid provenance, choices are: Ephys aligned histology track, Histology track, Micro-manipulator, Planned'],
      status_code: 400,
    });
  });

  describe('/channels', () => {
    it('creates a whole probe (384 channels) in one request', async () => {
      const pid2 = (await t.post('/insertions', { session: f.sessionId, name: 'probe_01' })).body.id;
      const traj = (await t.post('/trajectories', { probe_insertion: pid2, x: 0, y: 0, depth: 0, theta: 0, phi: 0, provenance: 'Planned' })).body.id;
      const items = Array.from({ length: 384 }, (_, i) => ({ trajectory_estimate: traj, axial: 20 * Math.floor(i / 2), lateral: 16 + 32 * (i % 2), brain_region: 687 }));
      const r = await t.post('/channels', items);
      expect(r.status).toBe(201);
      expect(r.body.map((c: { axial: number; lateral: number }) => [c.axial, c.lateral])).toEqual(items.map((c) => [c.axial, c.lateral]));
      expect((await t.get(`/channels?probe_insertion=${pid2}&limit=1`)).body.count).toBe(384);
      expect((await t.del(`/insertions/${pid2}`)).status).toBe(204);
      expect((await t.get(`/channels?trajectory_estimate=${traj}`)).status).toBe(400);
    });

    it('creates a list of channels in one request', async () => {
      const before = (await t.get(`/trajectories/${aligned}`)).body.datetime;
      const r = await t.post('/channels', [
        { trajectory_estimate: aligned, axial: 20, lateral: 40, x: 111.1, y: -222.2, z: 333.3, brain_region: 687 },
        { trajectory_estimate: aligned, axial: 40, lateral: 40, brain_region: 1133 },
        { trajectory_estimate: aligned, axial: 60, lateral: 40 },
      ]);
      expect(r.status).toBe(201);
      expect(r.body).toHaveLength(3);
      expect(Object.keys(r.body[0])).toEqual(['id', 'trajectory_estimate', 'brain_region', 'name', 'json', 'axial', 'lateral', 'x', 'y', 'z']);
      expect(r.body[0]).toMatchObject({ trajectory_estimate: aligned, brain_region: 687, name: '', json: null, axial: 20, lateral: 40, x: 111.1, y: -222.2, z: 333.3 });
      expect(r.body[2].brain_region).toBe(0);
      const after = (await t.get(`/trajectories/${aligned}`)).body.datetime;
      expect(after >= before).toBe(true);
      const list = await t.get(`/channels?probe_insertion=${pid}`);
      expect(list.body.count).toBe(3);
      expect((await t.get(`/channels?session=${f.sessionId}&brain_region=687`)).body.count).toBe(1);
      expect((await t.get('/channels?subject=KS_trj&lab=lab_trj')).body.count).toBe(3);
    });

    it('creates nothing when one item of a list is bad, and reports per item', async () => {
      const r = await t.post('/channels', [
        { trajectory_estimate: aligned, axial: 80, lateral: 40 },
        { trajectory_estimate: aligned, axial: 20, lateral: 40 },
        { axial: 100, lateral: 40, brain_region: 'CTX' },
      ]);
      expect(r.status).toBe(400);
      expect(r.body).toEqual([
        {},
        { non_field_errors: ['The fields axial, lateral, trajectory_estimate must make a unique set.'] },
        { trajectory_estimate: ['This field is required.'], brain_region: ['A valid integer is required.'] },
      ]);
      expect((await t.get(`/channels?trajectory_estimate=${aligned}`)).body.count).toBe(3);
      const dupInList = await t.post('/channels', [
        { trajectory_estimate: aligned, axial: 80, lateral: 40 },
        { trajectory_estimate: aligned, axial: 80, lateral: 40 },
      ]);
      expect(dupInList.status).toBe(400);
      expect(dupInList.body[1]).toEqual({ non_field_errors: ['The fields axial, lateral, trajectory_estimate must make a unique set.'] });
      const refs = await t.post('/channels', [
        { trajectory_estimate: '00000000-0000-4000-8000-000000000000', axial: 1, lateral: 1, brain_region: 424242 },
        'channel',
        { trajectory_estimate: aligned, axial: 'deep', lateral: 1, name: 'x'.repeat(300) },
      ]);
      expect(refs.status).toBe(400);
      expect(refs.body).toEqual([
        {
          trajectory_estimate: ['Object with id=00000000-0000-4000-8000-000000000000 does not exist.'],
          brain_region: ['Object with id=424242 does not exist.'],
        },
        { non_field_errors: ['Invalid data. Expected a dictionary, but got string.'] },
        { name: ['Ensure this field has no more than 255 characters.'], axial: ['A valid number is required.'] },
      ]);
      expect((await t.post('/channels', [])).body).toEqual([]);
      expect((await t.get(`/channels?trajectory_estimate=${aligned}`)).body.count).toBe(3);
    });

    it('still creates a single object', async () => {
      const r = await t.post('/channels', { trajectory_estimate: aligned, axial: 80, lateral: 40, brain_region: 99999 });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ brain_region: ['Object with id=99999 does not exist.'], status_code: 400 });
      const ok = await t.post('/channels', { trajectory_estimate: aligned, axial: 80, lateral: 40, brain_region: '1133' });
      expect(ok.status).toBe(201);
      expect(ok.body.brain_region).toBe(1133);
    });
  });

  it('finds insertions by brain region through aligned channels (descendants included)', async () => {
    const q = async (qs: string) => (await t.get(`/insertions?${qs}`)).body.results.map((r: { name: string }) => r.name);
    // 687 RSPv5 is under 886 RSPv, under 254 RSP
    expect(await q('atlas_id=254')).toEqual(['probe_00']);
    expect(await q('atlas_acronym=rspv')).toEqual(['probe_00']);
    expect(await q('atlas_name=retrosplenial')).toEqual(['probe_00']);
    expect(await q('atlas_acronym=VISp')).toEqual([]);
    const bad = await t.get('/insertions?atlas_id=abc');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ atlas_id: ['Enter a number.'], status_code: 400 });
    // sessions too (the actions app delegates atlas_* to us)
    const sessions = await t.get('/sessions?atlas_acronym=RSP');
    expect(sessions.status).toBe(200);
    expect(sessions.body.results.map((s: { id: string }) => s.id)).toEqual([f.sessionId]);
    expect((await t.get('/sessions?atlas_id=385')).body.count).toBe(0);
    const detail = await t.get(`/sessions/${f.sessionId}`);
    expect(detail.body.probe_insertion.map((p: { name: string }) => p.name)).toEqual(['probe_00']);
    expect(Object.keys(detail.body.probe_insertion[0])).toEqual(['id', 'session', 'model', 'session_info', 'name', 'json', 'serial', 'auto_datetime', 'chronic_insertion', 'datasets']);
    // a micro-manipulator trajectory's channels do not count
    await t.post('/channels', { trajectory_estimate: micro, axial: 20, lateral: 40, brain_region: 385 });
    expect(await q('atlas_id=385')).toEqual([]);
  });

  it('deletes a trajectory with its channels', async () => {
    expect((await t.del(`/trajectories/${aligned}`)).status).toBe(204);
    expect((await t.get(`/channels?trajectory_estimate=${aligned}`)).status).toBe(400);
    expect((await t.get(`/channels?probe_insertion=${pid}`)).body.count).toBe(1);
  });
});

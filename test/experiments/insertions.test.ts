// /insertions, /trajectories and /channels round trips (spec-data §4.1–4.3, §9.7–9.9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { makeFixtures, type Fixtures } from './fixtures.ts';
import { sql } from 'drizzle-orm';
import { query } from '../../src/db/client.ts';

let t: TestApp;
let f: Fixtures;
beforeAll(async () => {
  t = await startTestApp();
  f = await makeFixtures(t, 'ins');
});
afterAll(async () => {
  await t?.close();
});

const LIST_KEYS = ['id', 'session', 'model', 'session_info', 'name', 'json', 'serial', 'auto_datetime', 'chronic_insertion', 'datasets'];
const DETAIL_KEYS = ['id', 'session', 'model', 'session_info', 'datasets', 'name', 'json', 'serial', 'auto_datetime', 'chronic_insertion'];

describe('/insertions', () => {
  let pid: string;

  it('creates an insertion and links the session datasets of its collection', async () => {
    const r = await t.post('/insertions', {
      session: f.sessionId,
      name: 'probe00',
      model: '3B2',
      serial: '18194814141',
      json: { qc: 'NOT_SET', extended_qc: {} },
      module: 'ignored',
    });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(LIST_KEYS);
    pid = r.body.id;
    expect(r.body).toMatchObject({
      session: f.sessionId,
      model: '3B2',
      name: 'probe00',
      json: { qc: 'NOT_SET', extended_qc: {} },
      serial: '18194814141',
      chronic_insertion: null,
    });
    expect(r.body.session_info).toEqual({
      subject: 'KS_ins',
      start_time: '2021-05-10T17:47:13.833000',
      number: 1,
      lab: 'lab_ins',
      id: f.sessionId,
      projects: ['brain_wide_ins'],
      task_protocol: 'ephysChoiceWorld6.4.2',
    });
    expect(r.body.auto_datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    expect([...r.body.datasets].sort()).toEqual([f.datasetIds.sync, f.datasetIds.spikes].sort());
  });

  it('requires the name and session keys (session may be null)', async () => {
    const r = await t.post('/insertions', { model: '3A' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ session: ['This field is required.'], name: ['This field is required.'], status_code: 400 });
    const n = await t.post('/insertions', { session: null, name: 'probe_free' });
    expect(n.status).toBe(201);
    expect(n.body.session).toBeNull();
    expect(n.body.session_info).toBeNull();
    expect(n.body.datasets).toEqual([]);
    expect((await t.del(`/insertions/${n.body.id}`)).status).toBe(204);
  });

  it('refuses duplicates, unknown models and bad session ids with 400s', async () => {
    const dup = await t.post('/insertions', { session: f.sessionId, name: 'probe00' });
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual({ non_field_errors: ['The fields name, session must make a unique set.'], status_code: 400 });
    const model = await t.post('/insertions', { session: f.sessionId, name: 'probe09', model: 'NP9' });
    expect(model.status).toBe(400);
    expect(model.body).toEqual({ model: ['Object with probe_model=NP9 does not exist.'], status_code: 400 });
    const bad = await t.post('/insertions', { session: 'not-a-uuid', name: 'probe09' });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body)).toEqual(['session', 'status_code']);
    expect((await t.get('/insertions?name=probe09')).body.count).toBe(0);
  });

  it('shows linked datasets as objects in the detail, on-server only', async () => {
    const r = await t.get(`/insertions/${pid}`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(DETAIL_KEYS);
    // spikes.times of probe00 has no existing file record on the server: filtered out
    expect(r.body.datasets).toEqual([
      {
        id: f.datasetIds.sync,
        name: '_spikeglx_sync.polarities.probe00.npy',
        dataset_type: '_spikeglx_sync.polarities_ins',
        data_url: `https://data.example.org/ins/raw_ephys_data/probe00/_spikeglx_sync.polarities.probe00.${f.datasetIds.sync}.npy`,
        url: expect.stringMatching(new RegExp(`^http://localhost(:80)?/datasets/${f.datasetIds.sync}$`)),
        file_size: 103688,
        hash: 'abc',
        version: '1.10.0',
        collection: 'raw_ephys_data/probe00',
        qc: 0,
      },
    ]);
  });

  it('lists with upstream filters', async () => {
    await t.post('/insertions', { session: f.otherSessionId, name: 'probe01', model: '3A' });
    const all = await t.get('/insertions');
    expect(all.body.count).toBe(2);
    // newest session first
    expect(all.body.results.map((r: { name: string }) => r.name)).toEqual(['probe01', 'probe00']);
    const q = async (qs: string) => (await t.get(`/insertions?${qs}`)).body.results.map((r: { name: string }) => r.name);
    expect(await q(`session=${f.sessionId}`)).toEqual(['probe00']);
    expect(await q('model=Neuropixel%203B2')).toEqual(['probe00']);
    expect(await q('model=3B2')).toEqual([]);
    expect(await q('subject=KS_ins')).toEqual(['probe01', 'probe00']);
    expect(await q('lab=LAB_INS')).toEqual(['probe01', 'probe00']);
    expect(await q('date=2021-05-11')).toEqual(['probe01']);
    expect(await q('experiment_number=1')).toEqual(['probe00']);
    expect(await q('project=wide')).toEqual(['probe00']);
    expect(await q('task_protocol=ephys')).toEqual(['probe00']);
    expect(await q('dataset_types=spikes.times_ins,_spikeglx_sync.polarities_ins')).toEqual(['probe00']);
    expect(await q('dataset_types=spikes.times_ins,nope')).toEqual([]);
    // spikes.times has qc FAIL (40): passes the default bound, not WARNING
    expect(await q('datasets=spikes.times.npy')).toEqual(['probe00']);
    expect(await q('datasets=spikes.times.npy&dataset_qc_lte=WARNING')).toEqual([]);
    expect(await q('dataset_qc_lte=PASS')).toEqual(['probe00']);
    expect(await q('django=name__icontains,01')).toEqual(['probe01']);
    await query(t.services.db, sql`insert into data_tag (id, name) values (gen_random_uuid(), 'RepeatedSite')`);
    await query(
      t.services.db,
      sql`insert into data_dataset_tags (dataset_id, tag_id) select ${f.datasetIds.sync}::uuid, id from data_tag where name = 'RepeatedSite'`,
    );
    expect(await q('tag=repeated')).toEqual(['probe00']);
    expect(await q('tag=brainwide')).toEqual([]);
    const bad = await t.get('/insertions?session=nope');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ session: ['Enter a valid UUID.'], status_code: 400 });
    const qc = await t.get('/insertions?dataset_qc_lte=GREAT');
    expect(qc.status).toBe(400);
    expect(qc.body).toEqual({ dataset_qc_lte: ['GREAT is not a valid QC'], status_code: 400 });
  });

  it('relinks datasets when the name changes', async () => {
    const r = await t.patch(`/insertions/${pid}`, { name: 'probe01' });
    expect(r.status).toBe(200);
    expect(r.body.datasets.map((d: { id: string }) => d.id)).toEqual([f.datasetIds.other]);
    const back = await t.patch(`/insertions/${pid}`, { name: 'probe00' });
    expect(back.body.datasets.map((d: { id: string }) => d.id)).toEqual([f.datasetIds.sync]);
  });

  it('checks the serial against the chronic insertion', async () => {
    const c = await t.post('/chronic-insertions', { name: 'probe_chronic', subject: 'KS_ins', model: '3B2', serial: '19019101' });
    expect(c.status).toBe(201);
    const bad = await t.post('/insertions', { session: f.sessionId, name: 'probe_chr', chronic_insertion: c.body.id, serial: '1' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ non_field_errors: ['serial number of chronic insertion and probe insertion do not match'], status_code: 400 });
    const ok = await t.post('/insertions', { session: f.sessionId, name: 'probe_chr', chronic_insertion: c.body.id, serial: '19019101', model: '3B2' });
    expect(ok.status).toBe(201);
    const got = await t.get(`/chronic-insertions/${c.body.id}`);
    expect(Object.keys(got.body)).toEqual(['id', 'name', 'subject', 'lab', 'model', 'start_time', 'serial', 'json', 'probe_insertion']);
    expect(got.body).toMatchObject({ name: 'probe_chronic', subject: 'KS_ins', lab: 'lab_ins', model: '3B2', serial: '19019101' });
    expect(got.body.probe_insertion).toEqual([
      { id: ok.body.id, name: 'probe_chr', model: 'Neuropixel 3B2', serial: '19019101', session_info: ok.body.session_info },
    ]);
    expect((await t.get(`/chronic-insertions?session=${f.sessionId}`)).body.count).toBe(1);
    expect((await t.get(`/chronic-insertions?model=Neuropixel%203A`)).body.count).toBe(0);
    expect((await t.del(`/insertions/${ok.body.id}`)).status).toBe(204);
    expect((await t.get(`/insertions/${ok.body.id}`)).status).toBe(404);
  });
});

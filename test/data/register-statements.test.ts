// What /register-file writes when the files are new to the session: inserts only. No dataset loses
// its default flag (none of that name exists yet) and no link of a new dataset is replaced (it has
// none yet); the links to insertions are still made, and a second registration of the same names
// still moves the default flag to the new revision.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { queriesOf } from '../helpers-queries.ts';
import { makeRegistrationSite } from './fixtures.ts';

let t: TestApp;
let sessionId: string;
beforeAll(async () => {
  t = await startTestApp();
  ({ sessionId } = await makeRegistrationSite(t, {
    lab: 'reglab',
    subject: 'RS_1',
    startTime: '2021-03-04T10:00:00',
    repository: 'rig_rs',
    typeNames: ['spikes.times', 'wheel.position'],
  }));
  expect((await t.post('/insertions', { session: sessionId, name: 'probe00' })).status).toBe(201);
});
afterAll(async () => t?.close());

const register = (filenames: string[], extra: Record<string, unknown> = {}) =>
  t.post('/register-file', { path: 'RS_1/2021-03-04/001', filenames, name: 'rig_rs', ...extra });

describe('/register-file of new files', () => {
  it('only inserts, and still links the insertion named by the collection', async () => {
    let res!: Awaited<ReturnType<typeof register>>;
    const statements = await queriesOf(t, async () => {
      res = await register(['alf/probe00/spikes.times.npy', 'alf/wheel.position.npy']);
    });
    expect(res.status, res.text).toBe(201);
    const rewrites = statements.filter((q) => /^\s*(update|delete)\b/i.test(q));
    expect(rewrites, rewrites.join('\n')).toEqual([]);
    const probeDataset = res.body.find((d: { collection: string }) => d.collection === 'alf/probe00').id;
    const ins = (await t.get('/insertions?name=probe00')).body;
    expect((ins.results ?? ins)[0].datasets).toEqual([probeDataset]);
  });

  it('a new revision of a registered name still takes the default flag from the old one', async () => {
    const list = async () => {
      const body = (await t.get(`/datasets?session=${sessionId}&name=wheel.position.npy`)).body;
      return new Map((body.results ?? body).map((d: { revision: string | null; default_dataset: boolean }) => [d.revision ?? '', d.default_dataset]));
    };
    expect(await list()).toEqual(new Map([['', true]]));
    const res = await register(['alf/#2021-03-05#/wheel.position.npy'], { default: true });
    expect(res.status, res.text).toBe(201);
    expect(await list()).toEqual(new Map([['', false], ['2021-03-05', true]]));
  });
});

// The session detail's datasets and the sessions' dataset filters, in the forms written so that
// their plans hold without planner statistics (server records probed per dataset, the URL's
// `exists` tested after the query, the dataset type looked up once): which datasets are listed,
// which URL each gets, and which sessions the filters keep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { eq } from 'drizzle-orm';
import { dataFormats, dataRepositories, datasetTypes, datasets, fileRecords } from '../../src/apps/data/tables.ts';
import { makeLab, makeRepository, makeSession, makeSubject } from './fixtures.ts';

let t: TestApp;
let eid: string;
let other: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestApp();
  const db = t.services.db;
  const lab = await makeLab(t, 'speedlab');
  const subject = await makeSubject(t, 'SPEED_1', lab.id);
  eid = (await makeSession(t, subject.id, lab.id, '2024-03-01T10:00:00', 1)).id;
  other = (await makeSession(t, subject.id, lab.id, '2024-03-02T10:00:00', 1)).id;
  const server = await makeRepository(t, { name: 'speed_server', globus_is_personal: false, data_url: 'http://server/' }, [lab.id]);
  const bare = await makeRepository(t, { name: 'speed_bare', globus_is_personal: false }, [lab.id]);
  const rig = await makeRepository(t, { name: 'speed_rig', globus_is_personal: true, data_url: 'http://rig/' }, [lab.id]);
  const [fmt] = await db.insert(dataFormats).values({ name: 'speedfmt', file_extension: '.npy' }).returning();
  const [ta, tb] = await db.insert(datasetTypes).values([{ name: 'speed.a' }, { name: 'speed.b' }]).returning();
  // name → [session, type, records: [repository, exists]]
  const plan: Array<[string, string, string, Array<[string, boolean]>]> = [
    ['on_server.npy', eid, ta.id, [[server.id, true]]],
    ['on_rig_only.npy', eid, ta.id, [[rig.id, true]]],
    ['server_missing.npy', eid, tb.id, [[server.id, false], [rig.id, true]]],
    ['both.npy', eid, tb.id, [[rig.id, true], [server.id, true]]],
    ['bare_server.npy', eid, tb.id, [[bare.id, true], [server.id, false]]],
    ['elsewhere.npy', other, ta.id, [[server.id, true]]],
  ];
  for (const [name, session, type, records] of plan) {
    const [d] = await db.insert(datasets).values({ name, session, dataset_type: type, data_format: fmt.id, collection: 'alf' }).returning();
    ids[name] = d.id;
    await db.insert(fileRecords).values(records.map(([repo, exists]) => ({ dataset: d.id, data_repository: repo, relative_path: `SPEED_1/${name}/${repo}`, exists })));
  }
});

afterAll(async () => {
  await t?.close();
});

describe('session detail datasets', () => {
  it('lists only the datasets with an existing record on a server repository, in collection and name order', async () => {
    const r = await t.get(`/sessions/${eid}`);
    expect(r.status).toBe(200);
    expect(r.body.data_dataset_session_related.map((d: any) => d.name)).toEqual(['bare_server.npy', 'both.npy', 'on_server.npy']);
  });

  it('takes the URL from an existing record only, server repositories first', async () => {
    const list = (await t.get(`/sessions/${eid}`)).body.data_dataset_session_related;
    const url = (name: string) => list.find((d: any) => d.name === name).data_url;
    expect(url('on_server.npy')).toMatch(/^http:\/\/server\/SPEED_1\/on_server\.npy\//);
    expect(url('both.npy')).toMatch(/^http:\/\/server\//);
    // its server record with a URL does not exist; the existing one's repository has no URL
    expect(url('bare_server.npy')).toBeNull();
  });

  it('lists every dataset of the session when no server repository exists', async () => {
    const db = t.services.db;
    await db.update(dataRepositories).set({ globus_is_personal: true }).where(eq(dataRepositories.globus_is_personal, false));
    try {
      const list = (await t.get(`/sessions/${eid}`)).body.data_dataset_session_related;
      expect(list.map((d: any) => d.name)).toEqual(['bare_server.npy', 'both.npy', 'on_rig_only.npy', 'on_server.npy', 'server_missing.npy']);
    } finally {
      await db.update(dataRepositories).set({ globus_is_personal: false }).where(eq(dataRepositories.name, 'speed_server'));
      await db.update(dataRepositories).set({ globus_is_personal: false }).where(eq(dataRepositories.name, 'speed_bare'));
    }
  });
});

describe('sessions dataset filters', () => {
  const sessionsOf = async (qs: string) => {
    const r = await t.get(`/sessions?subject=SPEED_1&${qs}`);
    expect(r.status).toBe(200);
    return r.body.results.map((s: any) => s.id).sort();
  };

  it('dataset_types keeps the sessions having datasets of every type', async () => {
    expect(await sessionsOf('dataset_types=speed.a')).toEqual([eid, other].sort());
    expect(await sessionsOf('dataset_types=speed.a,speed.b')).toEqual([eid]);
    expect(await sessionsOf('dataset_types=speed.b')).toEqual([eid]);
  });

  it('dataset_types with an unknown type name keeps no session', async () => {
    expect(await sessionsOf('dataset_types=speed.nothing')).toEqual([]);
    expect(await sessionsOf('dataset_types=speed.a,speed.nothing')).toEqual([]);
  });

  it('datasets keeps the sessions having each named dataset on a server repository', async () => {
    expect(await sessionsOf('datasets=on_server.npy')).toEqual([eid]);
    expect(await sessionsOf('datasets=on_server.npy,both.npy')).toEqual([eid]);
    expect(await sessionsOf('datasets=on_rig_only.npy')).toEqual([]);
    expect(await sessionsOf('datasets=elsewhere.npy')).toEqual([other]);
  });
});

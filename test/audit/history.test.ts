// GET /history and `alyx history`: filters, pagination, newest first, public users refused; the
// audit entries of register-file and of the delete guards (refusals and ?cascade=true).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { makeLab, makeRepository, makeSession, makeSubject, tempDir } from '../data/fixtures.ts';
import { auditEntries } from '../../src/apps/audit/tables.ts';
import { cli } from '../../src/apps/audit/cli.ts';
import { users } from '../../src/apps/misc/tables.ts';
import { tokenFor } from '../../src/rest/auth.ts';
import { HISTORY_REFUSAL } from '../../src/rest/permissions.ts';

let t: TestApp;
let dataDir: string;
let labId: string;
let otherToken: string;
const PATH = 'AUD_1/2020-01-01/001';

beforeAll(async () => {
  dataDir = tempDir('audit');
  t = await startTestApp({ dataDir });
  const lab = await makeLab(t, 'audlab');
  labId = lab.id;
  const subject = await makeSubject(t, 'AUD_1', lab.id);
  await makeSession(t, subject.id, lab.id, '2020-01-01T09:00:00', 1);
  await makeRepository(t, { name: 'aud_local', globus_is_personal: true, hostname: 'rig1' }, [lab.id]);
  expect((await t.post('/dataset-types', { name: 'aud.x', filename_pattern: '' })).status).toBe(201);
  expect((await t.post('/data-formats', { name: 'npy_aud', file_extension: '.npyaud' })).status).toBe(201);
  const [other] = await t.services.db.insert(users).values({ username: 'aud_other' }).returning();
  otherToken = await tokenFor(t.services, other.id);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('GET /history', () => {
  let nico: string;
  beforeAll(async () => {
    const a = await t.post('/subjects', { nickname: 'hist_a', lab: 'audlab' });
    nico = a.body.id;
    await t.patch('/subjects/hist_a', { description: 'one' });
    await t.patch('/subjects/hist_a', { description: 'two' });
    expect((await t.post('/subjects', { nickname: 'hist_b', lab: 'audlab' }, { token: otherToken })).status).toBe(201);
  });

  it('lists an object\'s changes newest first, DRF-paginated', async () => {
    const r = await t.get(`/history?object=${nico}&limit=2`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['count', 'next', 'previous', 'results']);
    expect(r.body.count).toBe(3);
    expect(r.body.results.map((e: any) => e.action)).toEqual(['update', 'update']);
    expect(r.body.results[0].changes).toEqual({ description: ['one', 'two'] });
    expect(r.body.results[0]).toMatchObject({ user: 'test_admin', channel: 'token', model: 'subjects.subject', object_id: nico, repr: 'hist_a' });
    expect(r.body.results[0].datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/);
    expect(r.body.next).toMatch(/\/history\?limit=2&object=.*&offset=2$/);
    const page2 = await t.get(`/history?object=${nico}&limit=2&offset=2`);
    expect(page2.body.results.map((e: any) => e.action)).toEqual(['create']);
    expect(page2.body.next).toBeNull();
  });

  it('filters by user, model, action and since', async () => {
    const byOther = await t.get('/history?user=aud_other');
    expect(byOther.body.results.map((e: any) => e.repr)).toEqual(['hist_b']);
    const models = await t.get('/history?model=subject&action=create');
    expect(models.body.results.every((e: any) => e.model === 'subjects.subject' && e.action === 'create')).toBe(true);
    expect(models.body.count).toBeGreaterThanOrEqual(2);
    expect((await t.get('/history?model=subjects.subject')).body.count).toBeGreaterThanOrEqual(4);
    expect((await t.get('/history?model=dataset')).body.results.every((e: any) => e.model === 'data.dataset')).toBe(true);
    expect((await t.get('/history?since=2999-01-01')).body.count).toBe(0);
    expect((await t.get(`/history?object=${nico}&since=2000-01-01T00:00:00Z`)).body.count).toBe(3);
  });

  it('answers 400 for a malformed since or action, 403 for public users', async () => {
    const bad = await t.get('/history?since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ since: ['Enter a valid date/time.'], status_code: 400 });
    expect((await t.get('/history?action=drop')).status).toBe(400);
    const [pub] = await t.services.db.insert(users).values({ username: 'aud_public', is_public_user: true }).returning();
    const r = await t.get('/history', { token: await tokenFor(t.services, pub.id) });
    expect(r.status).toBe(403);
    expect(r.body.detail).toBe(HISTORY_REFUSAL);
    expect((await t.get('/history', { token: null })).status).toBe(403);
  });

  it('alyx history prints the entries, filtered and limited', async () => {
    const lines: string[] = [];
    const code = await cli[0].run(t.services, ['--object', nico, '--limit', '2'], (l) => lines.push(l));
    expect(code).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/test_admin \(token\)\s+update subjects\.subject hist_a/);
    expect(lines[0]).toContain('"description":["one","two"]');
    expect(lines[2]).toBe('(2 of 3 entries; --limit to see more)');
    const byUser: string[] = [];
    await cli[0].run(t.services, ['--user', 'aud_other', '--since', '2000-01-01'], (l) => byUser.push(l));
    expect(byUser).toHaveLength(1);
    const errors: string[] = [];
    expect(await cli[0].run(t.services, ['--since', 'nope'], (l) => errors.push(l))).toBe(1);
    expect(await cli[0].run(t.services, ['--bogus'], () => {})).toBe(2);
  });
});

describe('register-file and deletes', () => {
  let datasetIds: string[] = [];
  it('records each registered dataset, in one statement, with the channel', async () => {
    const r = await t.post('/register-file', { created_by: 'test_admin', path: PATH, name: 'aud_local', filenames: ['alf/aud.x.npyaud', 'alf/probe/aud.x.npyaud'], hashes: ['h1', 'h2'] });
    expect(r.status).toBe(201);
    datasetIds = r.body.map((d: any) => d.id);
    for (const id of datasetIds) {
      const rows = await t.services.db.select().from(auditEntries).where(eq(auditEntries.object_id, id));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'create', model: 'data.dataset', channel: 'token', repr: 'aud.x.npyaud' });
    }
    const again = await t.post('/register-file', { created_by: 'test_admin', path: PATH, name: 'aud_local', filenames: ['alf/aud.x.npyaud'], hashes: ['h3'] });
    expect(again.status).toBe(201);
    const rows = await t.services.db.select().from(auditEntries).where(eq(auditEntries.object_id, datasetIds[0])).orderBy(auditEntries.datetime);
    expect(rows.map((e) => e.action)).toEqual(['create', 'update']);
    expect(rows[1].changes).toMatchObject({ hash: ['h1', 'h3'] });
  });

  it('deletes a dataset with its file records (no cascade needed) and records the deleted values', async () => {
    expect((await t.del(`/datasets/${datasetIds[1]}`)).status).toBe(204);
    const [e] = await t.services.db.select().from(auditEntries).where(eq(auditEntries.object_id, datasetIds[1])).orderBy(auditEntries.datetime).offset(1);
    expect(e).toMatchObject({ action: 'delete', model: 'data.dataset' });
    expect(e.changes).toMatchObject({ name: 'aud.x.npyaud', collection: 'alf/probe' });
  });

  it('refuses to delete a session with datasets unless ?cascade=true', async () => {
    const [session] = (await t.get('/sessions?subject=AUD_1')).body.results;
    const r = await t.del(`/sessions/${session.id}`);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ would_delete: { 'data.dataset': 1 }, status_code: 409 });
    expect(r.body.detail).toMatch(/would also delete 1 dataset\. Add \?cascade=true/);
    expect((await t.get(`/sessions/${session.id}`)).status).toBe(200);
    expect((await t.del(`/sessions/${session.id}?cascade=true`)).status).toBe(204);
    expect((await t.get(`/datasets/${datasetIds[0]}`)).status).toBe(404);
    const [e] = await t.services.db.select().from(auditEntries).where(eq(auditEntries.object_id, session.id)).orderBy(auditEntries.datetime);
    const del = (await t.services.db.select().from(auditEntries).where(eq(auditEntries.object_id, session.id))).find((x) => x.action === 'delete')!;
    expect(e).toBeTruthy();
    expect(del.changes).toMatchObject({ deleted_with: { 'data.dataset': 1 } });
  });

  it('refuses to delete a subject with sessions unless ?cascade=true; a bare subject goes', async () => {
    const s = await makeSubject(t, 'AUD_2', labId);
    await makeSession(t, s.id, labId, '2020-02-01T09:00:00', 1);
    await makeSession(t, s.id, labId, '2020-02-02T09:00:00', 1);
    const r = await t.del('/subjects/AUD_2');
    expect(r.status).toBe(409);
    expect(r.body.would_delete).toEqual({ 'actions.session': 2 });
    expect((await t.del('/subjects/AUD_2?cascade=false')).status).toBe(409);
    expect((await t.del('/subjects/AUD_2?cascade=true')).status).toBe(204);
    await makeSubject(t, 'AUD_3', labId);
    expect((await t.del('/subjects/AUD_3')).status).toBe(204);
  });

  it('refuses to delete a user others refer to, with the counts and the advice to deactivate', async () => {
    expect((await t.post('/users', { username: 'aud_owner', subjects_responsible: [], allowed_users: [] })).status).toBe(201);
    expect((await t.post('/subjects', { nickname: 'AUD_4', lab: 'audlab', responsible_user: 'aud_owner' })).status).toBe(201);
    const [owner] = await t.services.db.select().from(users).where(eq(users.username, 'aud_owner'));
    await tokenFor(t.services, owner.id); // the user's own token is no reason to refuse
    const r = await t.del('/users/aud_owner');
    expect(r.status).toBe(409);
    expect(r.body.references).toEqual({ 'subjects.subject': 1 });
    expect(r.body.detail).toMatch(/Cannot delete LabMember "aud_owner".*1 subject.*Deactivate it instead \(PATCH \{"is_active": false\}\)/);
    expect((await t.del('/users/aud_owner?cascade=true')).status).toBe(409);
    expect((await t.patch('/users/aud_owner', { is_active: false })).status).toBe(200);
    expect((await t.post('/users', { username: 'aud_nobody', subjects_responsible: [], allowed_users: [] })).status).toBe(201);
    const [nobody] = await t.services.db.select().from(users).where(eq(users.username, 'aud_nobody'));
    await tokenFor(t.services, nobody.id);
    expect((await t.del('/users/aud_nobody')).status).toBe(204);
  });
});

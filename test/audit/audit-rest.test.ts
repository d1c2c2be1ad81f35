// The audit trail of REST writes: field-level changes, channel, transaction, append-only table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { auditEntries } from '../../src/apps/audit/tables.ts';
import { recordAudit, created, updated } from '../../src/apps/audit/record.ts';
import { authTokens, labs, users, webSessions } from '../../src/apps/misc/tables.ts';
import { subjects } from '../../src/apps/subjects/tables.ts';
import { sessionDigest } from '../../src/rest/secrets.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  expect((await t.post('/labs', { name: 'auditlab' })).status).toBe(201);
});
afterAll(() => t?.close());

async function entriesFor(objectId: string) {
  return t.services.db.select().from(auditEntries).where(eq(auditEntries.object_id, objectId)).orderBy(auditEntries.datetime);
}

describe('audit trail of REST writes', () => {
  it('records create, update and delete with field-level changes, user and channel', async () => {
    const r = await t.post('/subjects', { nickname: 'aud_1', lab: 'auditlab', description: 'first' });
    expect(r.status).toBe(201);
    const id = r.body.id as string;
    expect((await t.patch('/subjects/aud_1', { description: 'second', sex: 'F' })).status).toBe(200);
    expect((await t.patch('/subjects/aud_1', { description: 'second' })).status).toBe(200); // no change: no entry
    expect((await t.del('/subjects/aud_1')).status).toBe(204);
    const rows = await entriesFor(id);
    expect(rows.map((e) => e.action)).toEqual(['create', 'update', 'delete']);
    for (const e of rows) {
      expect(e).toMatchObject({ user: t.adminId, channel: 'token', model: 'subjects.subject', repr: 'aud_1' });
      expect(e.username).not.toBe('');
      expect(e.client).toMatch(/\d/);
    }
    expect(rows[0].changes).toMatchObject({ nickname: 'aud_1', description: 'first' });
    expect(rows[1].changes).toEqual({ description: ['first', 'second'], sex: ['U', 'F'] });
    expect(rows[2].changes).toMatchObject({ nickname: 'aud_1', description: 'second', sex: 'F' });
  });

  it('records many-to-many changes as [old, new]', async () => {
    const r = await t.post('/projects', { name: 'aud_proj', users: [] });
    expect(r.status).toBe(201);
    expect((await t.patch('/projects/aud_proj', { users: ['test_admin'] })).status).toBe(200);
    const rows = await t.services.db.select().from(auditEntries).where(eq(auditEntries.repr, 'aud_proj')).orderBy(auditEntries.datetime);
    expect(rows.map((e) => e.action)).toEqual(['create', 'update']);
    expect(rows[0].model).toBe('subjects.project');
    expect(rows[1].changes).toEqual({ users: [[], ['test_admin']] });
  });

  it('names the web session channel for writes of the web UI (session cookie)', async () => {
    await t.services.db.insert(webSessions).values({ key: sessionDigest('aud-session-key'), user: t.adminId, expires: '2999-01-01 00:00:00' });
    const r = await t.post('/labs', { name: 'aud_web_lab' }, { token: null, headers: { cookie: 'alyx_session=aud-session-key' } });
    expect(r.status).toBe(201);
    const [e] = await t.services.db.select().from(auditEntries).where(eq(auditEntries.repr, 'aud_web_lab'));
    expect(e).toMatchObject({ action: 'create', model: 'misc.lab', channel: 'session', user: t.adminId });
  });

  it('records nothing for a refused write (400)', async () => {
    const before = await t.services.db.select({ n: sql<number>`count(*)::int` }).from(auditEntries);
    const r = await t.post('/subjects', { nickname: 'aud_bad', lab: 'no-such-lab' });
    expect(r.status).toBe(400);
    const after = await t.services.db.select({ n: sql<number>`count(*)::int` }).from(auditEntries);
    expect(after[0].n).toBe(before[0].n);
  });

  it('never records a secret, only that it changed', () => {
    const before = { id: 'u1', username: 'u', password: 'pbkdf2$old', email: 'a@b' };
    const after = { id: 'u1', username: 'u', password: 'pbkdf2$new', email: 'c@d' };
    expect(updated(users, before, after)!.changes).toEqual({ password: 'changed', email: ['a@b', 'c@d'] });
    expect(created(authTokens, { key: 'k'.repeat(40), user: 'u1' }).changes).toEqual({ key: 'changed', user: 'u1' });
    expect(JSON.stringify(created(users, after).changes)).not.toContain('pbkdf2');
  });

  it('writes the audit row in the transaction of the change', async () => {
    const [lab] = await t.services.db.select().from(labs).where(eq(labs.name, 'auditlab'));
    let id = '';
    await expect(
      t.services.db.transaction(async (tx) => {
        const [row] = await tx.insert(subjects).values({ nickname: 'aud_tx', lab: lab.id }).returning();
        id = row.id;
        await recordAudit(tx, { userId: null, username: 'x', channel: 'system', client: '' }, [created(subjects, row)]);
        expect(await tx.select().from(auditEntries).where(eq(auditEntries.object_id, id))).toHaveLength(1);
        throw new Error('fails after the audit insert');
      }),
    ).rejects.toThrow('fails after');
    expect(id).not.toBe('');
    expect(await entriesFor(id)).toEqual([]);
  });

  it('refuses UPDATE and DELETE of audit rows at the database level', async () => {
    const [any] = await t.services.db.select().from(auditEntries).limit(1);
    expect(any).toBeTruthy();
    await expect(t.services.db.update(auditEntries).set({ username: 'forged' }).where(eq(auditEntries.id, any.id))).rejects.toThrow();
    await expect(t.services.db.delete(auditEntries).where(eq(auditEntries.id, any.id))).rejects.toThrow();
    const [still] = await t.services.db.select().from(auditEntries).where(eq(auditEntries.id, any.id));
    expect(still.username).toBe(any.username);
  });
});

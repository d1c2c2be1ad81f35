// GET /check-protected only reads: looking up the session of the path must not add the caller to
// the session's users nor give the numbered session its parent (register-file does both).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { queriesOf } from '../helpers-queries.ts';
import { sessions, sessionUsers } from '../../src/apps/actions/tables.ts';
import { makeLab, makeSession, makeSubject, tempDir } from './fixtures.ts';

let t: TestApp;
let dataDir: string;
let base: string;
let eid: string;
const PATH = 'ZM_2000/2019-05-01/002';

beforeAll(async () => {
  dataDir = tempDir('check-protected');
  t = await startTestApp({ dataDir });
  const lab = await makeLab(t, 'labc');
  const subject = await makeSubject(t, 'ZM_2000', lab.id);
  base = (await makeSession(t, subject.id, lab.id, '2019-05-01T09:00:00', 1)).id;
  eid = (await makeSession(t, subject.id, lab.id, '2019-05-01T12:00:00', 2)).id;
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const usersOf = async (id: string) =>
  (await t.services.db.select({ user: sessionUsers.labmember }).from(sessionUsers).where(eq(sessionUsers.owner, id))).map((r) => r.user);
const parentOf = async (id: string) =>
  (await t.services.db.select({ parent: sessions.parent_session }).from(sessions).where(eq(sessions.id, id)))[0].parent;

describe('GET /check-protected', () => {
  it('leaves the session users and parent unchanged, and sends no write', async () => {
    let r: Awaited<ReturnType<TestApp['request']>> | undefined;
    const statements = await queriesOf(t, async () => {
      r = await t.request('GET', '/check-protected', { created_by: 'test_admin', path: PATH, filenames: ['alf/a.b.e1'] });
    });
    expect(r!.status).toBe(200);
    expect(r!.body).toEqual({ status_code: 200, details: 'None of the datasets are protected' });
    expect(await usersOf(base)).toEqual([]);
    expect(await usersOf(eid)).toEqual([]);
    expect(await parentOf(eid)).toBeNull();
    expect(statements.filter((s) => /^\s*(insert|update|delete)\b/i.test(s))).toEqual([]);
  });

  it('still names a missing session as register-file does', async () => {
    const r = await t.request('GET', '/check-protected', { path: 'ZM_2000/2019-05-01/007', filenames: ['a.b.e1'] });
    expect(r.body).toEqual({ error: 'A session for ZM_2000/7 on 2019-05-01 does not exist', status_code: 400 });
  });
});

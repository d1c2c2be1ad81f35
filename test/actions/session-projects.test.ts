// The subjects' `session_projects` come from a derived table of counts that database triggers keep
// (src/apps/actions/session-projects.ts). Every way of changing sessions or their projects must
// leave it equal to a recount: REST writes, direct multi-row SQL, cascades, a restore's rebuild.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { sessionProjects, sessions, subjectSessionProjects } from '../../src/apps/actions/tables.ts';
import { sessionProjectsSummary } from '../../src/apps/actions/session-projects.ts';
import { projects } from '../../src/apps/subjects/tables.ts';
import { installDerivedTables, rebuildDerivedTables, repairDerivedTables } from '../../src/db/derived.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  for (const nickname of ['SP_1', 'SP_2', 'SP_3']) expect((await t.post('/subjects', { nickname, lab: 'cortexlab' })).status).toBe(201);
  for (const name of ['sp_b', 'sp_a', 'sp_c']) expect((await t.post('/projects', { name })).status).toBe(201);
});
afterAll(async () => {
  await t?.close();
});

const sessionProjectsOf = async (nickname: string) => (await t.get(`/subjects/${nickname}`)).body.session_projects;
const consistent = async () => expect(await sessionProjectsSummary.differences(t.services.db)).toBe(0);

async function newSession(subject: string, projectNames: string[], day: number): Promise<string> {
  const r = await t.post('/sessions', { subject, projects: projectNames, start_time: `2024-05-${String(day).padStart(2, '0')}T10:00:00`, type: 'Experiment' });
  expect(r.status).toBe(201);
  return r.body.id;
}

async function counts(): Promise<Array<[string, string, number]>> {
  const rows = await t.services.db
    .select({ subject: subjectSessionProjects.subject, project: projects.name, n: subjectSessionProjects.sessions })
    .from(subjectSessionProjects)
    .innerJoin(projects, eq(projects.id, subjectSessionProjects.project));
  const nick = new Map((await t.get('/subjects?limit=100')).body.results.map((s: { id: string; nickname: string }) => [s.id, s.nickname]));
  return rows.map((r) => [nick.get(r.subject) as string, r.project, r.n] as [string, string, number]).sort((a, b) => (a.join() < b.join() ? -1 : 1));
}

describe('projects of the sessions of a subject', () => {
  let s1: string;
  let s2: string;

  it('counts the projects of sessions created over REST, and lists their names sorted', async () => {
    s1 = await newSession('SP_1', ['sp_b'], 1);
    s2 = await newSession('SP_1', ['sp_b', 'sp_a'], 2);
    expect(await sessionProjectsOf('SP_1')).toEqual(['sp_a', 'sp_b']);
    expect(await sessionProjectsOf('SP_2')).toEqual([]);
    expect(await counts()).toEqual([
      ['SP_1', 'sp_a', 1],
      ['SP_1', 'sp_b', 2],
    ]);
    const list = await t.get('/subjects?nickname=SP_1');
    expect(list.body.results[0].session_projects).toEqual(['sp_a', 'sp_b']);
    await consistent();
  });

  it('follows a change of a session projects and of its subject', async () => {
    expect((await t.patch(`/sessions/${s2}`, { projects: ['sp_c'] })).status).toBe(200);
    expect(await sessionProjectsOf('SP_1')).toEqual(['sp_b', 'sp_c']);
    expect((await t.patch(`/sessions/${s2}`, { subject: 'SP_2' })).status).toBe(200);
    expect(await sessionProjectsOf('SP_1')).toEqual(['sp_b']);
    expect(await sessionProjectsOf('SP_2')).toEqual(['sp_c']);
    await consistent();
  });

  it('forgets a project when the last session that had it is deleted', async () => {
    const s3 = await newSession('SP_1', ['sp_b', 'sp_a'], 3);
    expect(await sessionProjectsOf('SP_1')).toEqual(['sp_a', 'sp_b']);
    expect((await t.del(`/sessions/${s3}`)).status).toBe(204);
    expect(await sessionProjectsOf('SP_1')).toEqual(['sp_b']);
    expect((await t.del(`/sessions/${s1}`)).status).toBe(204);
    expect(await sessionProjectsOf('SP_1')).toEqual([]);
    expect(await counts()).toEqual([['SP_2', 'sp_c', 1]]);
    await consistent();
  });

  it('counts multi-row statements, moves and deletes written directly in SQL', async () => {
    const db = t.services.db;
    const subjectId = (await t.get('/subjects/SP_3')).body.id as string;
    const ids = await db
      .insert(sessions)
      .values([1, 2, 3, 4].map((d) => ({ subject: subjectId, start_time: `2024-06-0${d} 10:00:00` })))
      .returning({ id: sessions.id });
    const [a] = await db.select().from(projects).where(eq(projects.name, 'sp_a'));
    const [c] = await db.select().from(projects).where(eq(projects.name, 'sp_c'));
    await db.insert(sessionProjects).values([...ids.map((s) => ({ session: s.id, project: a.id })), { session: ids[0].id, project: c.id }]);
    expect(await counts()).toContainEqual(['SP_3', 'sp_a', 4]);
    // one UPDATE of the join table moves two links from sp_a to sp_c (one of them already there)
    await db.execute(sql`update ${sessionProjects} set ${sql.raw('"project_id"')} = ${c.id} where ${sessionProjects.session} in (${ids[1].id}, ${ids[2].id})`);
    expect((await counts()).filter((r) => r[0] === 'SP_3')).toEqual([
      ['SP_3', 'sp_a', 2],
      ['SP_3', 'sp_c', 3],
    ]);
    // several sessions in one DELETE, then a bulk move of the rest to another subject
    await db.delete(sessions).where(sql`${sessions.id} in (${ids[0].id}, ${ids[1].id})`);
    const sp1 = (await t.get('/subjects/SP_1')).body.id as string;
    await db.update(sessions).set({ subject: sp1 }).where(eq(sessions.subject, subjectId));
    expect(await sessionProjectsOf('SP_3')).toEqual([]);
    expect(await sessionProjectsOf('SP_1')).toEqual(['sp_a', 'sp_c']);
    await consistent();
  });

  it('drops the rows of a deleted project and of a deleted subject', async () => {
    expect((await t.del('/projects/sp_c')).status).toBe(204);
    expect(await sessionProjectsOf('SP_1')).toEqual(['sp_a']);
    expect(await sessionProjectsOf('SP_2')).toEqual([]);
    expect((await t.del('/subjects/SP_1?cascade=true')).status).toBe(204);
    expect(await counts()).toEqual([]);
    await consistent();
  });

  it('is rebuilt from the sessions, and reinstalled with a recount when a trigger is missing', async () => {
    const db = t.services.db;
    await newSession('SP_2', ['sp_b'], 9);
    await db.delete(subjectSessionProjects);
    expect(await sessionProjectsSummary.differences(db)).toBe(1);
    await rebuildDerivedTables(db);
    await consistent();
    // `alyx migrate` recounts only a table that differs
    expect(await repairDerivedTables(db)).toEqual([]);
    await db.update(subjectSessionProjects).set({ sessions: 7 });
    expect(await repairDerivedTables(db)).toEqual(['actions_subject_session_projects']);
    await consistent();
    expect(await sessionProjectsOf('SP_2')).toEqual(['sp_b']);

    // a database whose triggers are gone (or older) is repaired at the next start
    await db.execute(sql.raw(`drop trigger alyx_session_projects_added_v1 on actions_session_projects`));
    await db.delete(subjectSessionProjects);
    await newSession('SP_2', ['sp_a'], 10); // not counted: no trigger
    await installDerivedTables(db);
    await consistent();
    expect(await sessionProjectsOf('SP_2')).toEqual(['sp_a', 'sp_b']);
    await newSession('SP_2', ['sp_a'], 11); // counted again
    expect(await counts()).toEqual([
      ['SP_2', 'sp_a', 2],
      ['SP_2', 'sp_b', 1],
    ]);
  });
});

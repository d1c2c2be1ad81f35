// /tasks, /tasks/<uuid>, /tasks-summary/<session> and `alyx tasks cleanup` (spec-data §5).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { makeFixtures, type Fixtures } from '../experiments/fixtures.ts';
import { cli } from '../../src/apps/jobs/cli.ts';
import { query } from '../../src/db/client.ts';

let t: TestApp;
let f: Fixtures;
let worker: { id: string; token: string };
beforeAll(async () => {
  t = await startTestApp();
  f = await makeFixtures(t, 'job');
  worker = await t.createUser('worker');
});
afterAll(async () => {
  await t?.close();
});

const KEYS = ['id', 'parents', 'session', 'data_repository', 'status', 'name', 'priority', 'io_charge', 'level', 'gpu', 'cpu', 'ram',
  'time_out_secs', 'time_elapsed_secs', 'executable', 'graph', 'log', 'version', 'datetime', 'arguments'];

const task = (name: string, extra: Record<string, unknown> = {}) => ({
  session: f.sessionId,
  name,
  graph: 'EphysGraph',
  executable: 'ibllib.pipes.tasks.Task',
  priority: 90,
  io_charge: 20,
  level: 0,
  gpu: 0,
  cpu: 1,
  ram: 2,
  data_repository: 'flatiron_job',
  arguments: { titi: 'toto' },
  status: 'Waiting',
  ...extra,
});

describe('/tasks', () => {
  let a: string;
  let b: string;

  it('lets a worker create tasks with parents, shown as upstream', async () => {
    const r = await t.post('/tasks', task('TaskA'), { token: worker.token });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(KEYS);
    a = r.body.id;
    expect(r.body).toMatchObject({
      parents: [],
      session: f.sessionId,
      data_repository: 'flatiron_job',
      status: 'Waiting',
      name: 'TaskA',
      priority: 90,
      level: 0,
      time_out_secs: null,
      time_elapsed_secs: null,
      log: null,
      version: null,
      arguments: { titi: 'toto' },
    });
    const c = await t.post('/tasks', task('TaskB', { parents: [a], level: 1, priority: 50, status: 'Held', module: 'x', time_out_sec: 3 }), {
      token: worker.token,
    });
    expect(c.status).toBe(201);
    expect(c.body.parents).toEqual([a]);
    expect(c.body.status).toBe('Held');
    b = c.body.id;
  });

  it('defaults a missing status to Waiting and accepts only exact labels', async () => {
    const { status: _s, ...noStatus } = task('TaskC', { priority: 95 });
    const r = await t.post('/tasks', noStatus);
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('Waiting');
    for (const bad of ['waiting', 20, 'Done', null]) {
      const x = await t.post('/tasks', task('TaskD', { status: bad }));
      expect(x.status).toBe(400);
      expect(x.body).toEqual({
        status: ['Invalid status, choices are: Waiting, Held, Started, Errored, Abandoned, Empty, Incomplete, Complete'],
        status_code: 400,
      });
    }
    expect((await t.get('/tasks?name=TaskD')).body.count).toBe(0);
  });

  it('requires the session key, refuses duplicates, unknown or null repositories', async () => {
    const { session: _s, ...noSession } = task('TaskE');
    const r = await t.post('/tasks', noSession);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ session: ['This field is required.'], status_code: 400 });
    const free = await t.post('/tasks', { ...noSession, session: null });
    expect(free.status).toBe(201);
    const dup = await t.post('/tasks', task('TaskA'));
    expect(dup.status).toBe(400);
    expect(dup.body).toEqual({ non_field_errors: ['The fields name, session, arguments must make a unique set.'], status_code: 400 });
    // other arguments: no clash
    expect((await t.post('/tasks', task('TaskA', { arguments: { titi: 'tata' } }))).status).toBe(201);
    const repo = await t.post('/tasks', task('TaskF', { data_repository: 'nowhere' }));
    expect(repo.body).toEqual({ data_repository: ['Object with name=nowhere does not exist.'], status_code: 400 });
    const nullRepo = await t.post('/tasks', task('TaskF', { data_repository: null }));
    expect(nullRepo.body).toEqual({ data_repository: ['This field may not be null.'], status_code: 400 });
    const big = await t.post('/tasks', task('TaskF', { ram: 40000 }));
    expect(big.body).toEqual({ ram: ['Ensure this value is less than or equal to 32767.'], status_code: 400 });
    const parent = await t.post('/tasks', task('TaskF', { parents: ['00000000-0000-4000-8000-000000000000'] }));
    expect(parent.status).toBe(400);
    expect(Object.keys(parent.body)).toEqual(['parents', 'status_code']);
  });

  it('is updated by a worker with its token', async () => {
    const before = (await t.get(`/tasks/${a}`)).body.datetime;
    const r = await t.patch(`/tasks/${a}`, { status: 'Started', log: 'starting' }, { token: worker.token });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'Started', log: 'starting', name: 'TaskA', parents: [] });
    const done = await t.patch(`/tasks/${a}`, { status: 'Complete', version: '2.1.0', time_elapsed_secs: 12.3, log: 'ok' }, { token: worker.token });
    expect(done.body).toMatchObject({ status: 'Complete', version: '2.1.0', time_elapsed_secs: 12.3, log: 'ok' });
    expect(done.body.datetime >= before).toBe(true);
    const bad = await t.patch(`/tasks/${a}`, { status: 'Finished' }, { token: worker.token });
    expect(bad.status).toBe(400);
    expect((await t.get(`/tasks/${a}`)).body.status).toBe('Complete');
    const anon = await t.patch(`/tasks/${a}`, { status: 'Errored' }, { token: null });
    expect(anon.status).toBe(403);
  });

  it('lists by status, session and other filters, in graph order', async () => {
    const q = async (qs: string) => (await t.get(`/tasks?${qs}`)).body.results.map((r: { name: string }) => r.name);
    const bySession = await t.get(`/tasks?session=${f.sessionId}`);
    expect(bySession.status).toBe(200);
    // level ascending, then priority descending
    expect(bySession.body.results.map((r: { name: string; level: number }) => `${r.level}:${r.name}`)).toEqual([
      '0:TaskC',
      '0:TaskA',
      '0:TaskA',
      '1:TaskB',
    ]);
    expect(await q('status=Held')).toEqual(['TaskB']);
    expect(await q('status=complete')).toEqual(['TaskA']);
    expect(await q(`status=Waiting&session=${f.sessionId}&name=TaskC`)).toEqual(['TaskC']);
    expect(await q(`parents=${a}`)).toEqual(['TaskB']);
    expect(await q(`data_repository=${f.repoId}&level=1`)).toEqual(['TaskB']);
    expect(await q('lab=lab_job&graph=EphysGraph&priority=50')).toEqual(['TaskB']);
    expect(await q(`django=name__icontains,taskb,session__id,${f.sessionId}`)).toEqual(['TaskB']);
    const bad = await t.get('/tasks?status=Finished');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      status: ['Invalid status, choices are: Waiting, Held, Started, Errored, Abandoned, Empty, Incomplete, Complete'],
      status_code: 400,
    });
    const badSession = await t.get('/tasks?session=abc');
    expect(badSession.status).toBe(400);
  });

  it('summarises the tasks of a session by status and graph', async () => {
    const r = await t.get(`/tasks-summary/${f.sessionId}`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['session', 'count', 'status', 'graphs', 'last_update']);
    expect(r.body.session).toBe(f.sessionId);
    expect(r.body.count).toBe(4);
    expect(r.body.status).toEqual({ Waiting: 2, Held: 1, Started: 0, Errored: 0, Abandoned: 0, Empty: 0, Incomplete: 0, Complete: 1 });
    expect(Object.keys(r.body.graphs)).toEqual(['EphysGraph']);
    expect(r.body.last_update).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    const empty = await t.get(`/tasks-summary/${f.otherSessionId}`);
    expect(empty.body).toMatchObject({ count: 0, graphs: {}, last_update: null });
    expect((await t.get('/tasks-summary/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await t.get('/tasks-summary/nope')).status).toBe(404);
    expect((await t.get(`/tasks-summary/${f.sessionId}`, { token: null })).status).toBe(403);
  });

  it('deletes a task and unlinks it from its children', async () => {
    expect((await t.del(`/tasks/${a}`)).status).toBe(204);
    expect((await t.get(`/tasks/${b}`)).body.parents).toEqual([]);
    expect((await t.get(`/tasks/${a}`)).status).toBe(404);
  });
});

describe('tasks cleanup', () => {
  const run = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await cli[0].run(t.services, args, (l) => lines.push(l));
    return { code, lines };
  };

  it('deletes tasks by date and status, with a dry run and a limit', async () => {
    await query(t.services.db, sql`update jobs_task set datetime = '2020-01-01 10:00:00' where name = 'TaskB'`);
    await query(t.services.db, sql`update jobs_task set datetime = '2020-01-02 10:00:00' where name = 'TaskC'`);
    const total = (await t.get('/tasks')).body.count;
    expect(await run('cleanup', '--before', '2020-01-05', '--dry')).toEqual({ code: 0, lines: ['Found 2 tasks to delete'] });
    expect((await t.get('/tasks')).body.count).toBe(total);
    expect(await run('cleanup', '--before', '2020-01-05', '--status', '~held', '--limit', '5')).toEqual({
      code: 0,
      lines: ['Found 1 tasks to delete', 'Tasks deleted'],
    });
    expect((await t.get('/tasks?name=TaskC')).body.count).toBe(0);
    expect(await run('cleanup', '--before=2020-01-05', '--signed-off')).toEqual({ code: 0, lines: ['Found 0 tasks to delete', 'Tasks deleted'] });
    expect(await run('cleanup', '--before', '2020-01-05', '--status', '25', '--limit', '1')).toEqual({
      code: 0,
      lines: ['Found 1 tasks to delete', 'Tasks deleted'],
    });
    expect((await t.get('/tasks')).body.count).toBe(total - 2);
  });

  it('refuses bad options without deleting anything', async () => {
    const total = (await t.get('/tasks')).body.count;
    expect(await run('cleanup', '--status', 'Done')).toEqual({ code: 2, lines: ['error: Status "Done" not recognized'] });
    expect(await run('purge')).toEqual({ code: 2, lines: ['error: Action "purge" not recognized (expected "cleanup")'] });
    expect((await t.get('/tasks')).body.count).toBe(total);
  });
});

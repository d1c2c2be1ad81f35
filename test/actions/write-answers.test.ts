// The answer of a create is the row as a read of it shows it, while taking no statement to name
// what the body named or to list rows that cannot point at a row this request has just made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { queriesOf } from '../helpers-queries.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  for (const name of ['wa_project', 'wa_project_b']) expect((await t.post('/projects', { name })).status).toBe(201);
  await t.createUser('wa_second');
  const subject = { nickname: 'wa_mouse', lab: 'cortexlab', responsible_user: 'test_admin', sex: 'F', birth_date: '2025-06-01' };
  expect((await t.post('/subjects', subject)).status).toBe(201);
});
afterAll(() => t.close());

const session = (number: number, more: Record<string, unknown> = {}) => ({
  subject: 'wa_mouse',
  lab: 'cortexlab',
  number,
  start_time: '2026-01-05T10:00:00',
  users: ['test_admin'],
  projects: ['wa_project'],
  procedures: ['Behavior training/tasks'],
  task_protocol: 'choiceWorld',
  type: 'Experiment',
  ...more,
});

/** POSTs and returns the answer, the statements it took, and the row as GET shows it then. */
async function create(url: string, body: unknown) {
  let answer: { status: number; body: Record<string, unknown> } = { status: 0, body: {} };
  const statements = await queriesOf(t, async () => {
    answer = await t.post(url, body);
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  const read = await t.get(answer.body.id ? `${url}/${answer.body.id}` : new URL(String(answer.body.url)).pathname);
  expect(read.status).toBe(200);
  return { answer: answer.body, statements, read: read.body as Record<string, unknown> };
}

const touches = (statements: string[], table: string) => statements.filter((s) => s.includes(`"${table}"`));

describe('a created session', () => {
  it('answers what GET /sessions/<id> shows, key for key, without loading related lists', async () => {
    const { answer, statements, read } = await create('/sessions', session(1));
    expect(Object.keys(answer)).toEqual(Object.keys(read));
    expect(answer).toEqual(read);
    expect(answer).toMatchObject({ subject: 'wa_mouse', lab: 'cortexlab', users: ['test_admin'], projects: ['wa_project'], procedures: ['Behavior training/tasks'] });
    expect(answer).toMatchObject({ wateradmin_session_related: [], data_dataset_session_related: [], probe_insertion: [], field_of_view: [] });
    // named from what the body resolved: no load of names by id, no join through the link tables
    for (const table of ['subjects_subject', 'misc_lab', 'subjects_project', 'actions_proceduretype', 'misc_labmember']) {
      const loads = statements.filter((s) => !s.includes('authtoken') && (s.includes(`"${table}"."id" in (`) || s.includes(`inner join "${table}"`)));
      expect(loads, table).toEqual([]);
    }
    // and nothing can point at the new row yet
    for (const table of ['data_dataset', 'actions_wateradministration', 'experiments_probeinsertion', 'experiments_fov']) {
      expect(touches(statements, table), table).toEqual([]);
    }
    // token, 5 names, the duplicate check, the row, 3 link tables, the audit entry (and the notes)
    const work = statements.filter((s) => !/^\s*(begin|commit)\b/i.test(s));
    expect(work.length, work.join('\n')).toBeLessThanOrEqual(13);
  });

  it('lists several users and projects in the order a read gives them', async () => {
    const { answer, read } = await create('/sessions', session(2, { users: ['wa_second', 'test_admin'], projects: ['wa_project_b', 'wa_project'] }));
    expect(answer).toEqual(read);
    expect(answer.users).toEqual(['test_admin', 'wa_second']);
    expect(answer.projects).toEqual(['wa_project', 'wa_project_b']);
  });

  it('answers empty lists when none were sent', async () => {
    const { answer, read } = await create('/sessions', session(3, { users: [], projects: [], procedures: [] }));
    expect(answer).toEqual(read);
    // no users: the requester (as upstream does)
    expect(answer).toMatchObject({ users: ['test_admin'], projects: [], procedures: [] });
  });
});

describe('a weighing', () => {
  it('of a subject never water-restricted skips the underweight check, answers as a read does', async () => {
    const { answer, statements, read } = await create('/weighings', { subject: 'wa_mouse', weight: 21.5, user: 'test_admin', date_time: '2026-01-05T08:00:00' });
    expect(answer).toEqual(read);
    expect(touches(statements, 'actions_weighing').filter((s) => s.startsWith('select') && !s.includes('where "actions_weighing"."id"'))).toEqual([]);
    expect(touches(statements, 'actions_surgery')).toEqual([]);
  });
});

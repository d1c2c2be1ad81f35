// Lists run a constant number of SQL statements per request, whatever the page size: one query
// for the page, one for the count (skipped when the page is not full), and batched loads per
// field (never one query per row).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions, waterAdministrations, waterRestrictions, weighings, sessionUsers, sessionProjects } from '../../src/apps/actions/tables.ts';
import { projects, subjects } from '../../src/apps/subjects/tables.ts';
import { startTestApp, type TestApp } from '../helpers.ts';
import { queriesOf } from '../helpers-queries.ts';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
  const [lab] = (await t.get('/labs/cortexlab')).body ? [await t.services.db.query.labs?.findFirst?.()] : [];
  void lab;
  const labId = (await t.services.db.execute<{ id: string }>(`select id from misc_lab where name = 'cortexlab'` as never) as unknown as { rows: Array<{ id: string }> }).rows[0].id;
  const [project] = await t.services.db.insert(projects).values({ name: 'p1' }).returning();
  const subs = await t.services.db
    .insert(subjects)
    .values(Array.from({ length: 30 }, (_, i) => ({ nickname: `S_${String(i).padStart(3, '0')}`, lab: labId, birth_date: '2024-01-01', sex: i % 2 ? 'M' : 'F' })))
    .returning();
  const ses = await t.services.db
    .insert(sessions)
    .values(subs.flatMap((s, i) => [0, 1].map((k) => ({ subject: s.id, lab: labId, number: k + 1, start_time: `2024-03-${String((i % 28) + 1).padStart(2, '0')} 10:0${k}:00` }))))
    .returning();
  await t.services.db.insert(sessionUsers).values(ses.map((s) => ({ owner: s.id, labmember: t.adminId })));
  await t.services.db.insert(sessionProjects).values(ses.map((s) => ({ session: s.id, project: project.id })));
  await t.services.db.insert(weighings).values(subs.map((s) => ({ subject: s.id, date_time: '2024-03-01 09:00:00', weight: 20 })));
  await t.services.db.insert(waterRestrictions).values(subs.map((s) => ({ subject: s.id, start_time: '2024-03-01 10:00:00', reference_weight: 21 })));
  await t.services.db.insert(waterAdministrations).values(ses.map((s, i) => ({ subject: subs[Math.floor(i / 2)].id, session: s.id, date_time: '2024-03-02 10:00:00', water_administered: 1 })));
});
afterAll(() => t.close());

async function statementsFor(url: string): Promise<number> {
  let status = 0;
  const statements = await queriesOf(t, async () => {
    status = (await t.get(url)).status;
  });
  expect(status).toBe(200);
  return statements.length;
}

describe('SQL statements per list request do not grow with the page size', () => {
  for (const [name, path] of [
    ['sessions', '/sessions?'],
    ['sessions filtered', '/sessions?subject=S_001&date_range=2024-03-01,2024-03-31&'],
    ['weighings', '/weighings?'],
    ['water administrations', '/water-administrations?'],
    ['water restrictions', '/water-restriction?'],
    ['surgeries', '/surgeries?'],
    ['water-restricted subjects', '/water-restricted-subjects?'],
    ['subjects (water hooks)', '/subjects?'],
  ] as const) {
    it(name, async () => {
      const small = await statementsFor(`${path}limit=2`);
      const large = await statementsFor(`${path}limit=60`);
      // a page that is not full needs no count query, so the larger page may take one fewer
      expect(large, `${name}: ${small} statements for 2 rows, ${large} for 60`).toBeLessThanOrEqual(small);
      expect(large).toBeGreaterThanOrEqual(small - 1);
      expect(small).toBeLessThanOrEqual(16);
    });
  }

  it('a session detail is a constant number of statements too', async () => {
    const id = (await t.get('/sessions?limit=1')).body.results[0].id;
    const n = await statementsFor(`/sessions/${id}`);
    expect(n).toBeLessThanOrEqual(16);
  });
});

describe('SQL statements of a create', () => {
  it('a new session is answered from what was sent: no read of its links, notes or the relations left out', async () => {
    let res!: { status: number; body: Record<string, unknown> };
    const statements = await queriesOf(t, async () => {
      res = await t.post('/sessions', { subject: 'S_002', lab: 'cortexlab', number: 9, start_time: '2024-04-01T10:00:00', users: ['test_admin'] });
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ subject: 'S_002', users: ['test_admin'], procedures: [], projects: [], notes: [], probe_insertion: [] });
    const reads = statements.filter((q) => /^\s*select/i.test(q) && /actions_session_procedures|actions_session_projects|misc_note/.test(q));
    expect(reads, reads.join('\n')).toEqual([]);
    // and what it says is what a read finds
    const again = await t.get(`/sessions/${res.body.id}`);
    expect(again.body).toEqual(res.body);
  });
});

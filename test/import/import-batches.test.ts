// The importer's batching paths: a generated dump (subjects, sessions, datasets, file records)
// streamed into the staging table and written back in batches of 7 rows, so every keyset batch,
// every remap of a merged row, every natural key and deferred FK crosses batch boundaries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { ImportError, importDump, type ImportReport } from '../../src/db/import/importer.ts';
import { labs } from '../../src/apps/misc/tables.ts';
import { generateDump, genIds, genRowCount, type GenShape } from './generated-dump.ts';

const shape: GenShape = { subjects: 20, sessionsPerSubject: 3, datasetsPerSession: 2, labName: 'cortexlab' };
const sessions = shape.subjects * shape.sessionsPerSubject;
const datasets = sessions * shape.datasetsPerSession;

describe('import of a generated dump in small batches', () => {
  let t: TestApp;
  let report: ImportReport;
  let progress: Array<[number, number]> = [];
  let labId: string;
  const q = async (text: string) => ((await t.services.db.execute(sql.raw(text))) as unknown as { rows: Array<Record<string, unknown>> }).rows;
  beforeAll(async () => {
    t = await startTestApp();
    [{ id: labId }] = await t.services.db.select({ id: labs.id }).from(labs).where(eq(labs.name, 'cortexlab'));
    // a generator: the importer never sees a list
    report = await importDump(t.services.db, generateDump(shape), { batchSize: 7, onProgress: (d, n) => progress.push([d, n]) });
  });
  afterAll(async () => t?.close());

  it('counts every row, merges the lab by name and reports progress up to the total', () => {
    expect(report.models['subjects.subject']).toEqual({ rows: 20, inserted: 20, existing: 0, matched: 0 });
    expect(report.models['actions.session']).toEqual({ rows: sessions, inserted: sessions, existing: 0, matched: 0 });
    expect(report.models['data.dataset']).toEqual({ rows: datasets, inserted: datasets, existing: 0, matched: 0 });
    expect(report.models['data.filerecord']).toEqual({ rows: datasets, inserted: datasets, existing: 0, matched: 0 });
    expect(report.models['misc.lab']).toEqual({ rows: 1, inserted: 0, existing: 0, matched: 1 });
    expect(report.merged).toEqual({ 'misc.lab': { [genIds.lab]: labId } });
    expect(report.links).toEqual({ 'subjects.project.users': 2, 'actions.session.users': sessions, 'actions.session.projects': sessions * 1.5 });
    expect(report.ignoredFields).toEqual({ 'misc.labmember.groups': 3, 'misc.labmember.user_permissions': 3 });
    const total = genRowCount(shape);
    expect(progress.at(-1)).toEqual([total, total]);
    expect(progress.every(([, n]) => n === total)).toBe(true);
  });

  it('writes rows pointing to the merged lab, natural keys and deferred parent sessions', async () => {
    expect(await q(`select count(*)::int as n from subjects_subject where lab_id = '${labId}' and nickname like 'gen\\_%'`)).toEqual([{ n: 20 }]);
    expect(await q(`select count(*)::int as n from actions_session where lab_id = '${labId}' and id::text like '00000008-%'`)).toEqual([{ n: sessions }]);
    // every session after a subject's first points to the one before it (rows written in other batches)
    expect(await q(`select count(*)::int as n from actions_session s join actions_session p on p.id = s.parent_session_id where s.subject_id = p.subject_id and s.number = p.number + 1`)).toEqual([{ n: sessions - shape.subjects }]);
    expect(await q(`select count(distinct d.id)::int as n from data_dataset d join data_datasettype t on t.id = d.dataset_type_id join misc_labmember u on u.id = d.created_by_id
      where t.name = 'gen.times' and u.username = 'gen_user_3'`)).toEqual([{ n: datasets }]);
    expect(await q(`select count(*)::int as n from data_filerecord f join data_datarepository r on r.id = f.data_repository_id where r.name = 'gen_repo'`)).toEqual([{ n: datasets }]);
    expect(await q(`select s.nickname, u.username, s.birth_date::text as birth, s.json from subjects_subject s join misc_labmember u on u.id = s.responsible_user_id where s.id = '${genIds.subject(7)}'`)).toEqual([
      { nickname: 'gen_000007', username: 'gen_user_2', birth: '2024-01-15', json: { cage: 0 } },
    ]);
  });

  it('reads back over REST with its links', async () => {
    const r = await t.get(`/sessions/${genIds.session(5)}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ subject: 'gen_000002', number: 2, users: ['gen_user_3'], projects: ['gen_project_1', 'gen_project_2'], n_trials: 405 });
  });

  it('overwrites every row with --replace, still in batches, and keeps the links', async () => {
    const again = await importDump(t.services.db, generateDump(shape), { batchSize: 7, replace: true });
    expect(again.models['actions.session']).toEqual({ rows: sessions, inserted: 0, existing: sessions, matched: 0 });
    expect(again.models['data.filerecord']).toEqual({ rows: datasets, inserted: 0, existing: datasets, matched: 0 });
    expect(again.links['actions.session.projects']).toBe(sessions * 1.5);
    expect(await q(`select count(*)::int as n from actions_session_projects where session_id::text like '00000008-%'`)).toEqual([{ n: sessions * 1.5 }]);
    expect(await q(`select count(*)::int as n from actions_session where parent_session_id is not null and id::text like '00000008-%'`)).toEqual([{ n: sessions - shape.subjects }]);
  });

  it('names a row the staging table refuses, and rolls back', async () => {
    const rows = [...generateDump({ subjects: 2, sessionsPerSubject: 1, datasetsPerSession: 1 })].map((r) => structuredClone(r));
    const session = rows.find((r) => r.model === 'actions.session')!;
    session.fields.narrative = 'nul \u0000 here';
    const err = await importDump(t.services.db, rows, { batchSize: 3 }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.message).toMatch(new RegExp(`^actions\\.session pk ${session.pk}: .*\\\\u0000`));
  });

  it('fills a row with the fields of its parent row of the same pk (multi-table inheritance), across batches', async () => {
    const pk = '5d0a3c66-2222-4c4e-9b1e-000000000001';
    const rows = [
      { model: 'misc.lab', pk, fields: { name: 'mti_parent', timezone: 'Europe/Paris' } },
      ...[1, 2, 3].map((i) => ({ model: 'misc.lab', pk: `5d0a3c66-2222-4c4e-9b1e-00000000010${i}`, fields: { name: `mti_filler_${i}` } })),
      { model: 'data.datarepository', pk, fields: { name: 'mti_child', hostname: 'h' } },
    ];
    await importDump(t.services.db, rows, { batchSize: 2 });
    expect(await q(`select name, timezone from data_datarepository where id = '${pk}'`)).toEqual([{ name: 'mti_child', timezone: 'Europe/Paris' }]);
  });
});


// `alyx import`: the upstream sample dump into a fresh database (both dump forms), read back over
// REST; re-runs, --replace, unknown models and a dump that breaks a constraint.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inArray, sql } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { readDumpFile, parseDump, type DumpRow } from '../../src/db/import/read.ts';
import { ImportError, countByModel, importDump, type ImportReport } from '../../src/db/import/importer.ts';
import { allModels, contentTypeLabel } from '../../src/db/models.ts';
import { labs } from '../../src/apps/misc/tables.ts';
import { SAMPLE, withoutNaturalKeys } from './dump-forms.ts';

const sample = await readDumpFile(SAMPLE);
const dumpCounts = countByModel(sample);

/** How many of the dump's rows of each model are in the database (merged rows under their new pk). */
async function presentCounts(t: TestApp, dump: DumpRow[], report: ImportReport): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const info of allModels()) {
    const label = contentTypeLabel(info);
    const rows = dump.filter((r) => r.model === label);
    if (!rows.length) continue;
    const pkCol = Object.values(info.columns).find((c) => c.primary)!;
    const pks = rows.map((r) => r.pk as string);
    const found = (await t.services.db.select({ n: sql<number>`count(*)::int` }).from(info.table as never).where(inArray(pkCol, pks))) as Array<{ n: number }>;
    out[label] = Number(found[0].n) + report.models[label].matched;
  }
  return out;
}

const expectedCounts = Object.fromEntries(Object.entries(dumpCounts).filter(([m]) => m !== 'contenttypes.contenttype'));

describe('import of the sample dump (--natural-foreign form)', () => {
  let t: TestApp;
  let report: ImportReport;
  beforeAll(async () => {
    t = await startTestApp();
    report = await importDump(t.services.db, sample);
  });
  afterAll(async () => t?.close());

  it('maps every model of the dump to a table and stores every row', async () => {
    expect(report.skippedModels).toEqual({});
    expect(await presentCounts(t, sample, report)).toEqual(expectedCounts);
    for (const [label, c] of Object.entries(report.models)) {
      expect(c.rows, label).toBe(dumpCounts[label]);
      expect(c.inserted + c.existing + c.matched, label).toBe(c.rows);
    }
    // reference rows seeded by Alyx-local under the same pks are kept, not duplicated
    expect(report.models['experiments.brainregion']).toEqual({ rows: 1328, inserted: 0, existing: 1328, matched: 0 });
    expect(report.models['subjects.subject']).toEqual({ rows: 84, inserted: 84, existing: 0, matched: 0 });
    // the lab created on first start has the name of a dump lab: merged into it
    expect(report.models['misc.lab'].matched).toBe(1);
    expect(Object.keys(report.merged)).toEqual(['misc.lab']);
    expect(report.ignoredFields).toEqual({ 'misc.labmember.groups': 12, 'misc.labmember.user_permissions': 12 });
  });

  it('stores every field value of the new rows as the dump has it', async () => {
    const norm = (v: unknown, colType: string): unknown => {
      if (v === '' || v === undefined) return null; // upstream's CharNullField
      if (typeof v === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(v)) return Date.parse(`${v.replace(' ', 'T')}Z`);
      if (colType === 'PgArray' && typeof v === 'string') return JSON.parse(v).map(Number);
      return v;
    };
    let compared = 0;
    const mismatches: string[] = [];
    for (const info of allModels()) {
      const label = contentTypeLabel(info);
      const c = report.models[label];
      if (!c || c.existing || c.matched) continue; // only models whose rows are all new
      const [pkField, pkCol] = Object.entries(info.columns).find(([, col]) => col.primary)!;
      const rows = sample.filter((r) => r.model === label);
      const stored = (await t.services.db.select().from(info.table as never).where(inArray(pkCol, rows.map((r) => r.pk as string)))) as Array<Record<string, unknown>>;
      const byPk = new Map(stored.map((r) => [String(r[pkField]), r]));
      for (const row of rows) {
        const db = byPk.get(String(row.pk))!;
        for (const [field, value] of Object.entries(row.fields)) {
          const col = info.columns[field];
          if (!col || Array.isArray(value) || field === 'content_type') continue; // m2m, natural keys, generic relations
          const type = (col as unknown as { columnType: string }).columnType;
          const fk = info.foreignKeys[field];
          const target = fk && allModels().find((m) => m.table === fk.target);
          const expected = target ? report.merged[contentTypeLabel(target)]?.[String(value)] ?? value : value; // merged rows' new pks
          const [a, b] = [norm(db[field], type), norm(expected, type)];
          compared++;
          if (JSON.stringify(a) !== JSON.stringify(b)) mismatches.push(`${label} ${row.pk} ${field}: ${JSON.stringify(db[field])} != ${JSON.stringify(value)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(15000); // every scalar field of about 1900 rows
  });

  it('lets an imported user log in with the password from the upstream database', async () => {
    const login = await t.post('/auth-token', { username: 'imported_tech', password: 'imported-pw-9' }, { token: null });
    expect(login.status).toBe(200);
    const token = login.body.token;
    const me = await t.get('/users/imported_tech', { token });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('imported_tech');
    const wrong = await t.post('/auth-token', { username: 'imported_tech', password: 'imported-pw-8' }, { token: null });
    expect(wrong.status).toBe(400);
  });

  it('serves the imported records over REST, as many as the dump holds', async () => {
    const login = await t.post('/auth-token', { username: 'imported_tech', password: 'imported-pw-9' }, { token: null });
    const token = login.body.token;
    const lists: Record<string, string> = {
      '/subjects': 'subjects.subject',
      '/sessions': 'actions.session',
      '/datasets': 'data.dataset',
      '/files': 'data.filerecord',
      '/water-administrations': 'actions.wateradministration',
      '/projects': 'subjects.project',
      '/revisions': 'data.revision',
      '/tags': 'data.tag',
      '/insertions': 'experiments.probeinsertion',
      '/trajectories': 'experiments.trajectoryestimate',
      '/channels': 'experiments.channel',
      '/tasks': 'jobs.task',
      '/notes': 'misc.note',
      '/labs': 'misc.lab',
    };
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const [url, label] of Object.entries(lists)) {
      const r = await t.get(`${url}?limit=1`, { token });
      expect(r.status, url).toBe(200);
      got[url] = r.body.count;
      want[url] = dumpCounts[label];
    }
    expect(got).toEqual(want);
  });

  it('reads an imported subject, session and dataset back with their values', async () => {
    const subj = sample.find((r) => r.model === 'subjects.subject' && r.fields.nickname === 'cfedddad_subA')!;
    const s = await t.get(`/subjects/${subj.fields.nickname}`);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ id: subj.pk, nickname: 'cfedddad_subA', sex: 'F', birth_date: '2018-09-01', responsible_user: 'admin', species: 'Laboratory mouse', description: 'conformance subject A', json: { origin: 'conformance' } });
    const ses = sample.find((r) => r.model === 'actions.session' && Array.isArray(r.fields.users) && (r.fields.users as unknown[]).length === 2)!;
    const d = await t.get(`/sessions/${ses.pk}`);
    expect(d.status).toBe(200);
    expect(d.body.id).toBe(ses.pk);
    expect(d.body.number).toBe(ses.fields.number);
    expect([...d.body.users].sort()).toEqual((ses.fields.users as string[][]).map((u) => u[0]).sort());
    const ds = sample.find((r) => r.model === 'data.dataset' && r.fields.session !== null && r.fields.file_size !== null)!;
    const dr = await t.get(`/datasets/${ds.pk}`);
    expect(dr.status).toBe(200);
    expect(dr.body).toMatchObject({ name: ds.fields.name, file_size: ds.fields.file_size, collection: ds.fields.collection });
  });

  it('keeps generic relations: notes point at their object by content type', async () => {
    const note = sample.find((r) => r.model === 'misc.note' && (r.fields.content_type as string[])[1] === 'subject')!;
    const rows = await t.services.db.execute(sql`select content_type, object_id::text from misc_note where id = ${note.pk as string}`);
    expect((rows as unknown as { rows: unknown[] }).rows).toEqual([{ content_type: 'subjects.subject', object_id: note.fields.object_id }]);
  });

  it('is idempotent: a second run adds nothing', async () => {
    const again = await importDump(t.services.db, sample);
    for (const [label, c] of Object.entries(again.models)) {
      expect(c.inserted, label).toBe(0);
      expect(c.existing + c.matched, label).toBe(c.rows);
    }
    expect(await presentCounts(t, sample, again)).toEqual(expectedCounts);
  });

  it('overwrites existing rows with --replace', async () => {
    const subj = sample.find((r) => r.model === 'subjects.subject' && r.fields.nickname === 'cfedddad_subA')!;
    const changed = sample.map((r) => (r === subj ? { ...r, fields: { ...r.fields, description: 'changed upstream' } } : r));
    const plain = await importDump(t.services.db, changed);
    expect(plain.models['subjects.subject'].inserted).toBe(0);
    expect((await t.get('/subjects/cfedddad_subA')).body.description).toBe('conformance subject A');
    const replaced = await importDump(t.services.db, changed, { replace: true });
    expect(replaced.models['subjects.subject']).toEqual({ rows: 84, inserted: 0, existing: 84, matched: 0 });
    expect((await t.get('/subjects/cfedddad_subA')).body.description).toBe('changed upstream');
    expect(await presentCounts(t, sample, replaced)).toEqual(expectedCounts);
  });
});

describe('import of the sample dump without natural keys (integer content types)', () => {
  let t: TestApp;
  let report: ImportReport;
  const plain = withoutNaturalKeys(sample);
  beforeAll(async () => {
    t = await startTestApp();
    report = await importDump(t.services.db, plain);
  });
  afterAll(async () => t?.close());

  it('stores the same rows as the natural-key form', async () => {
    expect(plain.some((r) => r.model === 'contenttypes.contenttype')).toBe(true);
    expect(Object.keys(report.skippedModels)).toEqual(['contenttypes.contenttype']);
    expect(await presentCounts(t, plain, report)).toEqual(expectedCounts);
    const login = await t.post('/auth-token', { username: 'imported_tech', password: 'imported-pw-9' }, { token: null });
    expect(login.status).toBe(200);
    const s = await t.get('/subjects/cfedddad_subA');
    expect(s.body).toMatchObject({ responsible_user: 'admin', species: 'Laboratory mouse' });
    const rows = await t.services.db.execute(sql`select count(*)::int as n from misc_note where content_type = 'subjects.subject'`);
    const expected = sample.filter((r) => r.model === 'misc.note' && (r.fields.content_type as string[]).join('.') === 'subjects.subject').length;
    expect((rows as unknown as { rows: Array<{ n: number }> }).rows[0].n).toBe(expected);
  });
});

describe('import errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  const labRow = (pk: string, name: string): DumpRow => ({ model: 'misc.lab', pk, fields: { name, timezone: 'UTC', json: null } });

  it('rolls back a dry run and still reports what it would do', async () => {
    const before = await t.services.db.select({ n: sql<number>`count(*)::int` }).from(labs);
    const r = await importDump(t.services.db, [labRow('5d0a3c66-1111-4c4e-9b1e-000000000003', 'dry_run_lab')], { dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.models['misc.lab']).toEqual({ rows: 1, inserted: 1, existing: 0, matched: 0 });
    const after = await t.services.db.select({ n: sql<number>`count(*)::int` }).from(labs);
    expect(after[0].n).toBe(before[0].n);
  });

  it('writes self references and foreign-key cycles whatever the order of the rows', async () => {
    const id = (n: number) => `7e57c0de-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const region = (pk: number, parent: number | null, level: number): DumpRow => ({
      model: 'experiments.brainregion',
      pk,
      fields: { acronym: `T${pk}`, name: `test region ${pk}`, parent, lft: 1, rght: 2, tree_id: 9, level },
    });
    const lab = '5d0a3c66-1111-4c4e-9b1e-000000000004';
    const rows: DumpRow[] = [
      // children before their parents, one row per INSERT
      region(9900003, 9900002, 2),
      region(9900002, 9900001, 1),
      region(9900001, null, 0),
      // subject -> litter -> breeding pair -> subject (father)
      { model: 'subjects.subject', pk: id(2), fields: { nickname: 'cycle_pup', lab, litter: id(20), sex: 'F' } },
      { model: 'subjects.litter', pk: id(20), fields: { name: 'cycle_litter', breeding_pair: id(10) } },
      { model: 'subjects.breedingpair', pk: id(10), fields: { name: 'cycle_bp', father: id(1) } },
      { model: 'subjects.subject', pk: id(1), fields: { nickname: 'cycle_dad', lab, sex: 'M' } },
      labRow(lab, 'cycle_lab'),
    ];
    const r = await importDump(t.services.db, rows, { batchSize: 1 });
    expect(r.models['experiments.brainregion'].inserted).toBe(3);
    expect(r.models['subjects.subject'].inserted).toBe(2);
    const q = async (text: string) => ((await t.services.db.execute(sql.raw(text))) as unknown as { rows: unknown[] }).rows;
    expect(await q('select id, parent_id from experiments_brainregion where id between 9900001 and 9900003 order by id')).toEqual([
      { id: 9900001, parent_id: null },
      { id: 9900002, parent_id: 9900001 },
      { id: 9900003, parent_id: 9900002 },
    ]);
    expect(await q(`select s.nickname, l.name as litter, b.name as pair, d.nickname as father from subjects_subject s
      join subjects_litter l on l.id = s.litter_id join subjects_breedingpair b on b.id = l.breeding_pair_id
      join subjects_subject d on d.id = b.father_id where s.id = '${id(2)}'`)).toEqual([{ nickname: 'cycle_pup', litter: 'cycle_litter', pair: 'cycle_bp', father: 'cycle_dad' }]);
  });

  it('skips unknown models with a count and imports the rest', async () => {
    const r = await importDump(t.services.db, [
      labRow('5d0a3c66-1111-4c4e-9b1e-000000000001', 'unknown_models_lab'),
      { model: 'auth.permission', pk: 1, fields: { name: 'x' } },
      { model: 'auth.permission', pk: 2, fields: { name: 'y' } },
      { model: 'someapp.widget', pk: 'w', fields: {} },
    ]);
    expect(r.models['misc.lab']).toEqual({ rows: 1, inserted: 1, existing: 0, matched: 0 });
    expect(Object.keys(r.skippedModels)).toEqual(['auth.permission', 'someapp.widget']);
    expect(r.skippedModels['auth.permission'].rows).toBe(2);
    expect(r.skippedModels['someapp.widget']).toEqual({ rows: 1, reason: 'no table for this model in Alyx-local' });
  });

  it('rolls everything back when a row breaks a constraint, naming the model and pk', async () => {
    const before = await t.services.db.select({ n: sql<number>`count(*)::int` }).from(labs);
    const bad: DumpRow = {
      model: 'actions.weighing',
      pk: '0a05c3ad-4274-414e-8287-000000000bad',
      fields: { user: null, subject: '9f0e7a8e-0000-4000-8000-00000000dead', date_time: '2020-01-01T10:00:00', weight: 20 },
    };
    const err = await importDump(t.services.db, [labRow('5d0a3c66-1111-4c4e-9b1e-000000000002', 'rolled_back_lab'), bad]).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.message).toMatch(/^actions\.weighing pk 0a05c3ad-4274-414e-8287-000000000bad: .*foreign key/);
    const after = await t.services.db.select({ n: sql<number>`count(*)::int` }).from(labs);
    expect(after[0].n).toBe(before[0].n);
  });

  it('names a natural key that resolves to nothing', async () => {
    const err = await importDump(t.services.db, [
      { model: 'misc.note', pk: '0a05c3ad-4274-414e-8287-00000000beef', fields: { user: ['nobody'], text: 'x', content_type: ['subjects', 'subject'], object_id: '0a05c3ad-4274-414e-8287-00000000beef' } },
    ]).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.message).toBe('misc.note pk 0a05c3ad-4274-414e-8287-00000000beef: no misc.labmember with natural key ["nobody"] in the dump or the database');
  });

  it('refuses files that are not dumpdata exports', async () => {
    expect(() => parseDump('{"model": "x"}')).toThrow('a dumpdata export is a JSON list of objects');
    expect(() => parseDump('[{"pk": 1}]')).toThrow('item 0 has no "model" label');
    expect(() => parseDump(Buffer.from('not json'))).toThrow(/^not valid JSON/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-dump-'));
    try {
      const write = (name: string, text: string) => {
        fs.writeFileSync(path.join(dir, name), text);
        return path.join(dir, name);
      };
      await expect(readDumpFile(write('a.json', '{"model": "x"}'))).rejects.toThrow('a dumpdata export is a JSON list of objects');
      await expect(readDumpFile(write('b.json', '[{"model": "misc.lab", "pk": "x", "fields": {}}, {"model": "misc.l'))).rejects.toThrow('the file ends in the middle of the list (truncated?)');
      await expect(readDumpFile(write('c.json', '[{"pk": 1}]'))).rejects.toThrow('item 0 has no "model" label');
      await expect(readDumpFile(write('d.json', '[{"model": "misc.lab", "pk": 1, "fields": {"a": }}]'))).rejects.toThrow(/^not valid JSON in item 0/);
      await expect(readDumpFile(write('e.json', ''))).rejects.toThrow('the file is empty');
      await expect(readDumpFile(path.join(dir, 'missing.json'))).rejects.toThrow(/does not exist$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('streams a dump file into the same rows as parseDump reads whole', async () => {
    const whole = parseDump(fs.readFileSync(SAMPLE));
    expect(sample).toEqual(whole);
    expect(sample.length).toBe(3460);
    // the sample spans many read chunks; strings may hold brackets, quotes, escapes and multi-byte characters
    const tricky = [
      { model: 'misc.note', pk: 'a', fields: { text: 'brackets } ] { [ and "quotes" and \\ backslash \\" end', json: { nested: [1, { x: '}' }] } } },
      { model: 'Misc.Lab', pk: 'b', fields: { name: 'Zürich 研究室 🧠' } },
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-dump-'));
    try {
      const file = path.join(dir, 'tricky.json.gz');
      fs.writeFileSync(file, zlib.gzipSync(Buffer.from(`\ufeff [\n${tricky.map((r) => JSON.stringify(r, null, 2)).join(',\n')}\n]\n`)));
      const rows = await readDumpFile(file);
      expect(rows).toEqual([tricky[0], { ...tricky[1], model: 'misc.lab' }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

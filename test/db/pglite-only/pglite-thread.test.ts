// The embedded database on a worker thread (src/db/pglite-thread.ts), as the server runs it:
// drizzle's queries, transactions that commit and roll back, statements of other requests waiting
// for an open transaction, database errors that keep their code, and text values left unparsed
// where drizzle asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openDatabase, migrateDatabase, query, type DbHandle } from '../../../src/db/client.ts';
import { labs } from '../../../src/apps/misc/tables.ts';
import { PGliteThread } from '../../../src/db/pglite-thread.ts';
import { startTestApp, type TestApp } from '../../helpers.ts';


describe('PGlite on a worker thread', () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await openDatabase({ databaseUrl: null, pgliteDir: null, thread: true });
    await migrateDatabase(handle);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it('runs drizzle queries and keeps timestamps as drizzle asks', async () => {
    const [lab] = await handle.db.insert(labs).values({ name: 'thread_lab' }).returning();
    expect(lab.name).toBe('thread_lab');
    const rows = await handle.db.select().from(labs).where(eq(labs.name, 'thread_lab'));
    expect(rows).toHaveLength(1);
    const [r] = await query<{ t: string; n: number; d: string }>(handle.db, sql`select timestamptz '2026-01-02 03:04:05+00' as t, 41::int8 + 1 as n, date '2026-02-03' as d`);
    expect(r.n).toBe(42);
    expect(new Date(r.t).toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it('commits a transaction and rolls one back when its callback throws', async () => {
    await handle.db.transaction(async (tx) => {
      await tx.insert(labs).values({ name: 'tx_committed' });
    });
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.insert(labs).values({ name: 'tx_rolled_back' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const names = (await handle.db.select({ name: labs.name }).from(labs)).map((l) => l.name);
    expect(names).toContain('tx_committed');
    expect(names).not.toContain('tx_rolled_back');
  });

  it('makes a statement from outside wait until an open transaction ends', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const order: string[] = [];
    const tx = handle.db.transaction(async (t) => {
      await t.insert(labs).values({ name: 'tx_isolated' });
      order.push('tx inserted');
      await gate;
      await t.update(labs).set({ name: 'tx_isolated_2' }).where(eq(labs.name, 'tx_isolated'));
      order.push('tx updated');
    });
    await new Promise((r) => setTimeout(r, 50));
    const outside = handle.db
      .select({ name: labs.name })
      .from(labs)
      .where(sql`${labs.name} like 'tx_isolated%'`)
      .then((rows) => {
        order.push('outside read');
        return rows.map((r) => r.name);
      });
    await new Promise((r) => setTimeout(r, 50));
    release();
    await tx;
    // the outside read ran after the commit: it sees the final name, never the intermediate one
    expect(await outside).toEqual(['tx_isolated_2']);
    expect(order).toEqual(['tx inserted', 'tx updated', 'outside read']);
  });

  it('keeps a database error’s code and detail, and the transaction that hit it is rolled back', async () => {
    await handle.db.insert(labs).values({ name: 'dup_lab' });
    const err = await handle.db
      .transaction(async (tx) => {
        await tx.insert(labs).values({ name: 'before_dup' });
        await tx.insert(labs).values({ name: 'dup_lab' });
      })
      .catch((e: unknown) => e as { code?: string; detail?: string; cause?: { code?: string; detail?: string } });
    const cause = (err as { cause?: { code?: string; detail?: string } }).cause ?? err;
    expect(cause).toMatchObject({ code: '23505' });
    expect(String((cause as { detail?: string }).detail)).toContain('dup_lab');
    const names = (await handle.db.select({ name: labs.name }).from(labs)).map((l) => l.name);
    expect(names).not.toContain('before_dup');
    // and the database still answers
    const [r] = await query<{ one: number }>(handle.db, sql`select 1 as one`);
    expect(r.one).toBe(1);
  });

  it('answers concurrent queries each with its own rows', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => query<{ i: number }>(handle.db, sql`select ${i}::int as i`)),
    );
    expect(results.map((r) => r[0].i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('the worker thread itself', () => {
  let thread: PGliteThread;
  beforeAll(async () => {
    thread = await PGliteThread.open({ startParams: [] });
  });
  afterAll(async () => {
    await thread?.close();
  });

  it('parses every type as PGlite in-thread does, with its smaller parser map', async () => {
    // common array types (kept in the worker's map) and rare ones (parsed after the statement)
    const statement = `select array[1,2]::int4[] as ints, array[3000000000]::int8[] as bigs, array[true,false] as bools,
      array['a','b,c']::text[] as texts, array['5b8e9d6c-1f0e-4c1a-9a57-0a1b2c3d4e5f']::uuid[] as uuids,
      array['{"k":1}']::jsonb[] as jsons, array[1.5]::float8[] as floats, array['10.0.0.1']::inet[] as inets,
      array['(1,2)']::point[] as points, array[1,2]::int2[] as smalls, array[1,null]::oid[] as oids,
      array[1.25]::float4[] as reals, 7::int2 as small, '{"a":[1]}'::json as obj, null::int4[] as nothing`;
    const { PGlite } = await import('@electric-sql/pglite');
    const reference = await PGlite.create();
    try {
      const expected = (await reference.query(statement)).rows;
      expect((await thread.query(statement)).rows).toEqual(expected);
      expect((await thread.query(statement, [], { rowMode: 'array' })).rows).toEqual((await reference.query(statement, [], { rowMode: 'array' })).rows);
      expect((await thread.exec(statement))[0].rows).toEqual((await reference.exec(statement))[0].rows);
      const [row] = expected as Array<Record<string, unknown>>;
      expect(row.ints).toEqual([1, 2]);
      expect(row.inets).toEqual(['10.0.0.1']); // an array of a type without a parser of its own
      expect(row.oids).toEqual([1, null]); // parsed after the statement: oid[] is not in the kept map
    } finally {
      await reference.close();
    }
  });

  it('fails the statements of a transaction whose BEGIN failed instead of running them outside it', async () => {
    // a session left in an aborted transaction refuses BEGIN (25P02); the transaction's statements
    // were sent without waiting for it
    await expect(thread.exec('BEGIN; SELECT 1/0')).rejects.toThrow(/division by zero/);
    const ran: string[] = [];
    await expect(
      thread.transaction(async (tx) => {
        await tx.query(`select 'inside' as s`);
        ran.push('inside');
      }),
    ).rejects.toMatchObject({ code: '25P02' });
    expect(ran).toEqual([]);
    // nor did it send a ROLLBACK of its own, which would have ended the block it did not open
    await expect(thread.query('select 1')).rejects.toMatchObject({ code: '25P02' });
    await thread.exec('ROLLBACK');
    // and the thread goes on: a transaction after it commits
    const result = await thread.transaction(async (tx) => (await tx.query<{ n: number }>('select 41 + 1 as n')).rows[0].n);
    expect(result).toBe(42);
  });
});

describe('the REST API over the threaded database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { thread: true });
    expect(t.services.handle.pglite).toBeNull(); // really the worker, not PGlite in this thread
  });
  afterAll(async () => {
    await t?.close();
  });

  it('creates, lists and refuses a duplicate with a 400, as in-thread', async () => {
    expect((await t.post('/labs', { name: 'threadlab' })).status).toBe(201);
    const created = await t.post('/subjects', { nickname: 'thread_mouse', lab: 'threadlab' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ nickname: 'thread_mouse', lab: 'threadlab' });
    const listed = await t.get('/subjects?nickname=thread_mouse');
    expect(listed.status).toBe(200);
    expect(listed.body.results.map((s: { id: string }) => s.id)).toEqual([created.body.id]);
    const again = await t.post('/subjects', { nickname: 'thread_mouse', lab: 'threadlab' });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ non_field_errors: ['The fields nickname, lab must make a unique set.'], status_code: 400 });
  });

  it('answers concurrent requests, writes and reads interleaved, each with its own answer', async () => {
    const writes = Array.from({ length: 8 }, (_, i) => t.post('/subjects', { nickname: `conc_${i}`, lab: 'threadlab' }));
    const reads = Array.from({ length: 8 }, () => t.get('/subjects?lab=threadlab'));
    const answers = await Promise.all([...writes, ...reads]);
    expect(answers.map((a) => a.status)).toEqual([...Array(8).fill(201), ...Array(8).fill(200)]);
    const all = await t.get('/subjects?lab=threadlab');
    expect(all.body.results.map((s: { nickname: string }) => s.nickname).sort()).toEqual(['conc_0', 'conc_1', 'conc_2', 'conc_3', 'conc_4', 'conc_5', 'conc_6', 'conc_7', 'thread_mouse']);
  });
});

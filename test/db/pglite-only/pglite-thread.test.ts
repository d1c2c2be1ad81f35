// The embedded database on a worker thread (src/db/pglite-thread.ts), as the server runs it:
// drizzle's queries, transactions that commit and roll back, statements of other requests waiting
// for an open transaction, database errors that keep their code, and text values left unparsed
// where drizzle asks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { openDatabase, migrateDatabase, query, type DbHandle } from '../../../src/db/client.ts';
import { labs } from '../../../src/apps/misc/tables.ts';
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

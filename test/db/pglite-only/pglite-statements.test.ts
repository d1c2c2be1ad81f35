// The worker's named statements (src/db/pglite-statements.mjs): the same results as PGlite's own
// query() for every kind of parameter and column, a statement parsed once and then run by name,
// the least recently used one closed beyond the limit, a change of schema never answered from an
// outdated statement, and errors that leave the cache usable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { StatementCache, mayChangeSchema, scriptMayChangeSchema } from '../../../src/db/pglite-statements.mjs';

let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
  await db.exec(`create table kinds (id serial primary key, n int, big int8, num numeric, b bool, t text, j jsonb, js json,
    ts timestamp, tz timestamptz, d date, arr int[], tarr text[], bytes bytea, u uuid)`);
});
afterAll(async () => db?.close());

/** the named statements PostgreSQL holds, asked without going through the cache */
const prepared = async () => (await db.query<{ name: string; statement: string }>('select name, statement from pg_prepared_statements order by name')).rows;

describe('StatementCache', () => {
  it('returns what PGlite’s query() returns, for parameters and columns of every common type', async () => {
    const cache = new StatementCache(db);
    const insert = `insert into kinds (n, big, num, b, t, j, js, ts, tz, d, arr, tarr, bytes, u)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning *`;
    const rows = [
      [7, 9007199254740991, '12.50', true, 'it’s "quoted"', { a: [1, { b: null }] }, [1, 'two'], '2026-01-02 03:04:05.123', new Date('2026-01-02T03:04:05.678Z'), '2026-02-03', [1, 2, 3], ['x', 'y,z', null], new Uint8Array([0, 255, 10]), '6f0c2b8e-1d2a-4d5e-9f00-0123456789ab'],
      [null, null, null, false, '', null, null, null, null, null, [], [], null, null],
    ];
    for (const params of rows) {
      const viaCache = await cache.query(insert, params, {});
      const viaQuery = await db.query(insert, params);
      const { id: _a, ...cached } = viaCache.rows[0] as Record<string, unknown>;
      const { id: _b, ...queried } = viaQuery.rows[0] as Record<string, unknown>;
      expect(cached).toEqual(queried);
      expect(viaCache.fields).toEqual(viaQuery.fields);
      expect(viaCache.affectedRows).toBe(1);
    }
    const select = 'select * from kinds where b = $1 order by id';
    for (const rowMode of ['object', 'array'] as const) {
      const a = await cache.query(select, [true], { rowMode });
      const b = await db.query(select, [true], { rowMode });
      expect(a.rows).toEqual(b.rows);
      expect(a.rows).toHaveLength(2);
    }
    // a caller's own parser for a type (drizzle keeps timestamps as text)
    const raw = await cache.query('select ts, tz from kinds where n = $1', [7], { parsers: { 1114: (v: string) => v, 1184: (v: string) => v } });
    expect(raw.rows[0]).toEqual({ ts: '2026-01-02 03:04:05.123', tz: '2026-01-02 03:04:05.678+00' });
    // both rows with b false: the one inserted through the cache and the one through query()
    const updated = await cache.query('update kinds set t = $1 where b = $2', ['changed', false], {});
    expect(updated.affectedRows).toBe(2);
  });

  it('parses a statement once and then runs it by name with new parameters', async () => {
    const cache = new StatementCache(db);
    const text = 'select distinct n from kinds where n = $1 and b';
    const before = (await prepared()).length;
    expect((await cache.query(text, [7], {})).rows).toEqual([{ n: 7 }]);
    expect((await cache.query(text, [8], {})).rows).toEqual([]);
    expect((await cache.query(text, [7], {})).rows).toEqual([{ n: 7 }]);
    const after = await prepared();
    expect(after).toHaveLength(before + 1);
    expect(after.filter((p) => p.statement === text)).toHaveLength(1);
    expect(cache.size).toBe(1);
  });

  it('closes the least recently used statement beyond its limit', async () => {
    await db.exec('deallocate all');
    const cache = new StatementCache(db, 2);
    await cache.query('select 1 as one', [], {});
    await cache.query('select 2 as two', [], {});
    await cache.query('select 1 as one', [], {}); // now the most recently used
    await cache.query('select 3 as three', [], {}); // closes "select 2"
    expect(cache.size).toBe(2);
    expect((await prepared()).map((p) => p.statement).sort()).toEqual(['select 1 as one', 'select 3 as three']);
  });

  it('forgets its statements when the schema may have changed, so a changed table answers with its new columns', async () => {
    const cache = new StatementCache(db);
    await db.exec('create table shape (a int)');
    await cache.query('insert into shape values ($1)', [1], {});
    expect((await cache.query('select * from shape', [], {})).rows).toEqual([{ a: 1 }]);
    // through query(): PostgreSQL would refuse the kept "select *" ("cached plan must not change result type")
    await cache.query('alter table shape add column b int default 2', [], {});
    expect((await cache.query('select * from shape', [], {})).rows).toEqual([{ a: 1, b: 2 }]);
    // through exec() (the worker empties the cache for a script that may change the schema)
    expect(scriptMayChangeSchema('alter table shape add column c int default 3')).toBe(true);
    cache.clear();
    await db.exec('alter table shape add column c int default 3');
    expect((await cache.query('select * from shape', [], {})).rows).toEqual([{ a: 1, b: 2, c: 3 }]);
  });

  it('tells data and transaction statements from those that may change the schema', () => {
    for (const s of ['select 1', ' INSERT into x values (1)', 'with a as (select 1) select * from a', 'begin', 'COMMIT', 'savepoint sp1', 'release savepoint sp1', 'set local statement_timeout = 5', 'analyze', 'show timezone']) {
      expect(mayChangeSchema(s), s).toBe(false);
    }
    for (const s of ['create table x (a int)', 'alter table x add b int', 'drop table x', 'truncate x', 'do $$ begin end $$', 'comment on table x is $$y$$', 'create index on x (a)']) {
      expect(mayChangeSchema(s), s).toBe(true);
    }
    expect(scriptMayChangeSchema('begin')).toBe(false);
    expect(scriptMayChangeSchema('select 1; create table y (a int)')).toBe(true);
  });

  it('answers a statement’s error with its code, and stays usable after it', async () => {
    const cache = new StatementCache(db);
    const text = 'select distinct n from kinds where n = $1';
    // a value PostgreSQL cannot read as the parameter's type: the error comes at bind
    await expect(cache.query(text, ['not a number'], {})).rejects.toMatchObject({ code: '22P02' });
    expect((await cache.query(text, [7], {})).rows).toEqual([{ n: 7 }]);
    // a statement that does not parse is not kept
    await expect(cache.query('select from where', [], {})).rejects.toMatchObject({ code: '42601' });
    expect(cache.size).toBe(1);
    // in a failed transaction every statement is refused until the rollback, as without the cache
    await db.exec('begin');
    await expect(cache.query('select 1/0 as x', [], {})).rejects.toMatchObject({ code: '22012' });
    await expect(cache.query(text, [7], {})).rejects.toMatchObject({ code: '25P02' });
    await db.exec('rollback');
    expect((await cache.query(text, [7], {})).rows).toEqual([{ n: 7 }]);
  });
});

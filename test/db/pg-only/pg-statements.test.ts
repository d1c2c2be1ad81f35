// Named prepared statements on PostgreSQL's pooled connections (src/db/pg-statements.ts): a data
// statement parsed once per connection, the least recently used deallocated beyond the limit, the
// cache emptied by a schema change on the connection, and a statement refused because another
// connection changed its result columns prepared again on its next use.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { nameStatements } from '../../../src/db/pg-statements.ts';
import { withDatabase } from '../../templates.ts';

const url = process.env.TEST_DATABASE_URL!;
const dbName = `stmts_${crypto.randomBytes(5).toString('hex')}`;
let client: pg.Client;
let other: pg.Client;

/** the statements this connection has prepared, asked through a named query so the cache does not see it */
const prepared = async () =>
  (await client.query<{ statement: string }>({ name: 'list_prepared', text: 'select statement from pg_prepared_statements order by statement' })).rows.map((r) => r.statement).filter((s) => !s.includes('pg_prepared_statements'));

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  client = new pg.Client({ connectionString: withDatabase(url, dbName) });
  other = new pg.Client({ connectionString: withDatabase(url, dbName) });
  await client.connect();
  await other.connect();
  nameStatements(client, 2);
  await other.query('create table t (a int); insert into t values (1)');
});
afterAll(async () => {
  await client?.end();
  await other?.end();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
});

describe('nameStatements', () => {
  it('prepares a data statement once per connection and runs it by name, with promises and callbacks', async () => {
    expect((await client.query('select a from t where a = $1', [1])).rows).toEqual([{ a: 1 }]);
    expect((await client.query({ text: 'select a from t where a = $1', values: [2] })).rows).toEqual([]);
    const viaCallback = await new Promise((resolve, reject) => client.query('select a from t where a = $1', [1], (e: Error | null, r: pg.QueryResult) => (e ? reject(e) : resolve(r.rows))));
    expect(viaCallback).toEqual([{ a: 1 }]);
    expect(await prepared()).toEqual(['select a from t where a = $1']);
  });

  it('deallocates the least recently used statement beyond its limit, outside a transaction', async () => {
    await client.query('select 1 as one');
    await client.query('select a from t where a = $1', [1]); // most recently used
    await client.query('select 2 as two'); // the third: "select 1" goes
    await client.query('select 3 as three'); // runs after the DEALLOCATE; "select a" goes
    await client.query('select a from t where a = $1', [1]); // prepared again under a new name
    const statements = await prepared();
    expect(statements).not.toContain('select 1 as one');
    expect(statements.filter((s) => s === 'select a from t where a = $1')).toHaveLength(1);
    expect(statements.length).toBeLessThanOrEqual(3); // the limit, and one evicted not yet deallocated
  });

  it('waits for its DEALLOCATE before running the next statement (one query at a time on a connection)', async () => {
    // node-postgres deprecates a query sent while the client is still busy with another one
    const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
    const original = proto.query;
    let inFlight = 0;
    const overlapping: string[] = [];
    const sent: string[] = [];
    proto.query = function (this: pg.Client, ...a: unknown[]) {
      const text = String(typeof a[0] === 'string' ? a[0] : (a[0] as { text: string }).text);
      if (this === client) {
        sent.push(text);
        if (inFlight > 0) overlapping.push(text);
        inFlight++;
      }
      const result = original.apply(this, a) as Promise<unknown>;
      if (this === client) void result.finally(() => inFlight--).catch(() => {});
      return result;
    };
    try {
      for (const n of [4, 5, 6, 7]) await client.query(`select ${n} as n`); // each evicts one
    } finally {
      proto.query = original;
    }
    expect(sent.filter((t) => t.startsWith('deallocate')).length).toBeGreaterThan(0);
    expect(overlapping).toEqual([]);
  });

  it('answers with the new columns after a schema change on its own connection', async () => {
    expect((await client.query('select * from t')).rows).toEqual([{ a: 1 }]);
    await client.query('alter table t add column b int default 2');
    expect((await client.query('select * from t')).rows).toEqual([{ a: 1, b: 2 }]);
  });

  it('prepares again a statement whose result columns another connection changed', async () => {
    expect((await client.query('select * from t where a = $1', [1])).rows).toEqual([{ a: 1, b: 2 }]);
    await other.query('alter table t add column c int default 3');
    // PostgreSQL refuses the kept statement once...
    await expect(client.query('select * from t where a = $1', [1])).rejects.toMatchObject({ code: '0A000' });
    // ...and the next run prepares it again
    expect((await client.query('select * from t where a = $1', [1])).rows).toEqual([{ a: 1, b: 2, c: 3 }]);
  });
});

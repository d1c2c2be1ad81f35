// inIds (src/db/ids.ts): a list of UUIDs becomes one bound array literal, checked once per list;
// anything else falls back to drizzle's inArray, whose values are bound one by one.
import { describe, expect, it } from 'vitest';
import { PgDialect } from 'drizzle-orm/pg-core';
import { inIds } from '../../src/db/ids.ts';
import { subjects } from '../../src/apps/subjects/tables.ts';

const dialect = new PgDialect();
const render = (ids: unknown[], column = subjects.id) => {
  const { sql, params } = dialect.sqlToQuery(inIds(column, ids));
  return { sql, params };
};
const A = '0b3c4d5e-0000-4000-8000-00000000000a';
const B = '0b3c4d5e-0000-4000-8000-00000000000b';

describe('inIds', () => {
  it('binds a list of UUIDs as one array literal, without duplicates', () => {
    expect(render([A, B, A])).toEqual({ sql: '"subjects_subject"."id" = any($1::uuid[])', params: [`{${A},${B}}`]});
  });

  it('binds anything else one value at a time, also once the same text passed as UUIDs', () => {
    expect(render([A, B]).params).toEqual([`{${A},${B}}`]);
    // one value holding both, joined to the same text as the list above
    expect(render([`${A},${B}`])).toEqual({ sql: '"subjects_subject"."id" in ($1)', params: [`${A},${B}`]});
    expect(render([`${A}}','{`]).params).toEqual([`${A}}','{`]);
    expect(render([A, 7]).sql).toBe('"subjects_subject"."id" in ($1, $2)');
  });

  it('binds one by one for a column that is not a uuid', () => {
    expect(render([A], subjects.nickname as never).sql).toBe('"subjects_subject"."nickname" in ($1)');
  });
});

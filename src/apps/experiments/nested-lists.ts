// Nested lists of another resource's objects (a FOV's locations, a stack's slices, a session's
// insertions and FOVs): the rows whose foreign key is one of the page's ids, serialized with one
// query per page and grouped by that key.
import { getTableColumns, inArray, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { custom, type Field, type Row } from '../../rest/fields.ts';
import type { Resource } from '../../rest/resource.ts';
import type { RequestContext } from '../../rest/context.ts';
import { pushTo } from '../../rest/group.ts';

export interface NestedList {
  table: PgTable;
  /** the foreign key of `table` to the owners */
  fk: PgColumn;
  orderBy: Array<SQL | PgColumn>;
  /** the resource and field set the items are rendered with (late-bound: resources refer to each other) */
  resource: () => Resource;
  fieldNames: () => string[];
}

/** The serialized rows of `list.table` whose fk is one of `ownerIds`, grouped by owner. */
export async function loadNested(list: NestedList, ownerIds: string[], ctx: RequestContext): Promise<Map<string, Row[]>> {
  const out = new Map<string, Row[]>();
  if (!ownerIds.length) return out;
  const key = Object.entries(getTableColumns(list.table)).find(([, c]) => c === list.fk)![0];
  const rows = (await ctx.db
    .select()
    .from(list.table)
    .where(inArray(list.fk, ownerIds))
    .orderBy(...list.orderBy)) as Row[];
  const rendered = await list.resource().serialize(rows, list.fieldNames(), ctx);
  rows.forEach((r, i) => pushTo(out, r[key] as string, rendered[i]));
  return out;
}

/** A read-only field listing the nested objects of each row. */
export function nestedListField(list: NestedList): Field {
  return custom({
    kind: 'computed',
    readOnly: true,
    schema: { type: 'array', readOnly: true, items: { type: 'object' } },
    async render(rows, ctx) {
      const byOwner = await loadNested(list, rows.map((r) => r.id as string), ctx);
      return (row) => byOwner.get(row.id as string) ?? [];
    },
  });
}

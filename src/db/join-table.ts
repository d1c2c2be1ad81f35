// Many-to-many join tables all have the same shape (Django's auto-created "through" tables):
// two uuid columns, each a cascading foreign key, a composite primary key, and an index on the
// second column for lookups from the other side.
import { index, pgTable, primaryKey, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';

/** One side of a join table: [TS key (Django field), column name, referenced column]. */
export type JoinSide<K extends string> = readonly [K, string, () => AnyPgColumn];

function cascadingUuid(column: string, target: () => AnyPgColumn) {
  return uuid(column).notNull().references(target, { onDelete: 'cascade' });
}

export function joinTable<A extends string, B extends string>(name: string, a: JoinSide<A>, b: JoinSide<B>) {
  const columns = { [a[0]]: cascadingUuid(a[1], a[2]), [b[0]]: cascadingUuid(b[1], b[2]) } as Record<
    A | B,
    ReturnType<typeof cascadingUuid>
  >;
  return pgTable(name, columns, (t) => [primaryKey({ columns: [t[a[0]], t[b[0]]] }), index().on(t[b[0]])]);
}

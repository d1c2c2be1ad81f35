// Scalar subqueries in select lists.
import { sql, type SQL } from 'drizzle-orm';

/**
 * `(query)` as one value of a select list. Nested on purpose: in a single-table select drizzle
 * writes the columns that sit directly in a selected SQL expression without their table name,
 * which inside a subquery would bind them to the subquery's own tables (a correlated `= t.id`
 * would read the inner `id`); nested one level, they keep their "table"."column" form.
 */
export const scalar = <T = unknown>(query: SQL): SQL<T> => sql<T>`(${query})`;

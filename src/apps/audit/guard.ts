// The audit table is append-only at the database level: a row trigger refuses UPDATE and DELETE
// (a restore empties it with TRUNCATE under session_replication_role = replica, then reloads it).
// Installed after every migration run, so a regenerated migration cannot lose it.
import { getTableName, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { auditEntries } from './tables.ts';

export const AUDIT_APPEND_ONLY = 'the audit trail is append-only';

export async function installAuditGuard(db: Queryable): Promise<void> {
  const exists = (await db.execute(sql`select 1 from pg_trigger where tgname = 'alyx_audit_append_only' and tgrelid = to_regclass(${getTableName(auditEntries)})`)) as unknown as { rows: unknown[] };
  if (exists.rows.length) return;
  await db.execute(sql.raw(`create or replace function alyx_audit_append_only() returns trigger language plpgsql as $$
begin
  raise exception '${AUDIT_APPEND_ONLY}: % refused', tg_op using errcode = 'insufficient_privilege';
end $$`));
  try {
    await db.execute(sql`create trigger alyx_audit_append_only before update or delete on ${auditEntries} for each row execute function alyx_audit_append_only()`);
  } catch (e) {
    // another process installed it between the check and here
    if (!/already exists/.test(String((e as Error).message))) throw e;
  }
}

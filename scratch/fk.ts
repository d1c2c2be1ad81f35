import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as schema from '../src/db/schema.ts';
import { is } from 'drizzle-orm';
const tables = Object.values(schema).filter((t) => is(t, PgTable)) as PgTable[];
console.log(tables.length);
const self: string[] = []; const edges: string[] = [];
for (const t of tables) { const c = getTableConfig(t); for (const fk of c.foreignKeys) { const r = fk.reference(); const f = getTableConfig(r.foreignTable).name; if (f === c.name) self.push(c.name + '.' + r.columns.map(x=>x.name)); else edges.push(c.name+'->'+f); }
 for (const col of c.columns) { const ct = (col as any).columnType; if (/Serial|Identity/.test(ct) || (col as any).generatedIdentity) console.log('serial', c.name, col.name, ct); } }
console.log('self', self);
console.log(edges.length);

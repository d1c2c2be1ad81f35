// Test helpers: the sample dump in its two forms (with and without --natural-foreign).
import type { DumpRow } from '../../src/db/import/read.ts';

export const SAMPLE = '/work/shared/samples/alyx-3.6-dumpdata.json.gz';

/**
 * The dump as `dumpdata` writes it without --natural-foreign: foreign keys to users and species as
 * pks, content types as integer ids with `contenttypes.contenttype` rows at the top.
 */
export function withoutNaturalKeys(dump: DumpRow[]): DumpRow[] {
  const userPk = new Map<string, unknown>();
  const speciesPk = new Map<string, unknown>();
  for (const r of dump) {
    if (r.model === 'misc.labmember') userPk.set(String(r.fields.username), r.pk);
    if (r.model === 'subjects.species') speciesPk.set(String(r.fields.nickname), r.pk);
  }
  const ctIds = new Map<string, number>();
  const ctId = (label: string[]) => {
    const k = label.join('.');
    if (!ctIds.has(k)) ctIds.set(k, ctIds.size + 7);
    return ctIds.get(k)!;
  };
  const natural = (field: string, key: unknown[]): unknown => {
    const map = field === 'species' ? speciesPk : userPk;
    const pk = map.get(String(key[0]));
    if (pk === undefined) throw new Error(`no pk for ${field} ${JSON.stringify(key)}`);
    return pk;
  };
  const out = dump.map((r) => {
    const fields: Record<string, unknown> = {};
    for (const [f, v] of Object.entries(r.fields)) {
      if (f === 'content_type' && Array.isArray(v)) fields[f] = ctId(v as string[]);
      else if (Array.isArray(v) && v.length && Array.isArray(v[0])) fields[f] = v.map((k) => natural(f, k as unknown[]));
      else if (Array.isArray(v) && v.length && typeof v[0] === 'string' && ['user', 'created_by', 'responsible_user', 'species'].includes(f)) {
        fields[f] = natural(f, v);
      } else fields[f] = v;
    }
    return { model: r.model, pk: r.pk, fields };
  });
  const cts: DumpRow[] = [...ctIds].map(([label, id]) => ({
    model: 'contenttypes.contenttype',
    pk: id,
    fields: { app_label: label.split('.')[0], model: label.split('.')[1] },
  }));
  return [...cts, ...out];
}

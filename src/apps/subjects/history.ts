// json.history of a subject: former values of tracked fields, recorded on change as upstream does.

/** Text of an original value as upstream records it (null becomes "None"). */
export function historyValue(v: unknown): string {
  return v === null || v === undefined ? 'None' : String(v);
}

/**
 * Returns json with history entries appended for each tracked field whose value changed
 * (old value recorded as text, date_time the naive ISO time of the change). Returns the input
 * unchanged (same object) when nothing changed.
 */
export function appendHistory(
  json: unknown,
  changes: Array<{ field: string; old: unknown; new: unknown }>,
  nowIso: string,
): unknown {
  const changed = changes.filter((c) => historyValue(c.old) !== historyValue(c.new));
  if (changed.length === 0) return json;
  const base: Record<string, unknown> =
    json !== null && typeof json === 'object' && !Array.isArray(json) ? { ...(json as Record<string, unknown>) } : {};
  const prev = base.history;
  const history: Record<string, unknown> =
    prev !== null && typeof prev === 'object' && !Array.isArray(prev) ? { ...(prev as Record<string, unknown>) } : {};
  for (const c of changed) {
    const list = Array.isArray(history[c.field]) ? [...(history[c.field] as unknown[])] : [];
    list.push({ date_time: nowIso, value: historyValue(c.old) });
    history[c.field] = list;
  }
  base.history = history;
  return base;
}

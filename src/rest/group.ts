// Grouping the rows of a batched load by their owner: pushTo(map, key, value) appends in place
// (copying the list on every append would make grouping quadratic in the group size).
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

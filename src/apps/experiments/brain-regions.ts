// The Allen CCF structure tree: our seed file holds [id, acronym, name, parent] rows in tree
// pre-order; the database keeps upstream's MPTT columns (lft, rght, tree_id, level) so that the
// ancestors or descendants of a region are one range query (nested sets), never a walk.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type RegionRow = [id: number, acronym: string, name: string, parent: number | null];

export interface TreeRegion {
  id: number;
  acronym: string;
  name: string;
  parent: number | null;
  lft: number;
  rght: number;
  tree_id: number;
  level: number;
}

export const BRAIN_REGIONS_FILE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'seed',
  'brain-regions.json',
);

export function readRegionRows(file = BRAIN_REGIONS_FILE): RegionRow[] {
  const body = JSON.parse(fs.readFileSync(file, 'utf8')) as { columns: string[]; regions: RegionRow[] };
  if (body.columns.join() !== 'id,acronym,name,parent') throw new Error(`${file}: unexpected columns ${body.columns.join()}`);
  return body.regions;
}

/**
 * Nested-set numbering as django-mptt does it: one tree per root (tree_id from 1), children in
 * the order given, lft/rght counted from 1 within each tree, level 0 at the root.
 * Throws on unknown parents and cycles.
 */
export function nestedSets(rows: RegionRow[]): TreeRegion[] {
  const byId = new Map<number, RegionRow>();
  for (const r of rows) {
    if (byId.has(r[0])) throw new Error(`duplicate brain region id ${r[0]}`);
    byId.set(r[0], r);
  }
  const children = new Map<number, number[]>();
  const roots: number[] = [];
  for (const [id, , , parent] of rows) {
    if (parent === null) roots.push(id);
    else {
      if (!byId.has(parent)) throw new Error(`brain region ${id} has unknown parent ${parent}`);
      const list = children.get(parent) ?? [];
      list.push(id);
      children.set(parent, list);
    }
  }
  const out: TreeRegion[] = [];
  roots.forEach((root, i) => {
    let counter = 0;
    // iterative depth-first walk: [id, level, visited]
    const stack: Array<[number, number, boolean]> = [[root, 0, false]];
    const open = new Map<number, TreeRegion>();
    while (stack.length) {
      const top = stack.pop()!;
      const [id, level, visited] = top;
      if (visited) {
        open.get(id)!.rght = ++counter;
        continue;
      }
      const [, acronym, name, parent] = byId.get(id)!;
      const node: TreeRegion = { id, acronym, name, parent, lft: ++counter, rght: 0, tree_id: i + 1, level };
      open.set(id, node);
      out.push(node);
      stack.push([id, level, true]);
      const kids = children.get(id) ?? [];
      for (let k = kids.length - 1; k >= 0; k--) stack.push([kids[k], level + 1, false]);
    }
  });
  if (out.length !== rows.length) throw new Error(`${rows.length - out.length} brain regions are not reachable from a root (cycle)`);
  return out;
}

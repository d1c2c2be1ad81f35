import { describe, expect, it } from 'vitest';
import { nestedSets, readRegionRows, type RegionRow } from '../../src/apps/experiments/brain-regions.ts';

describe('brain-region seed file', () => {
  const rows = readRegionRows();

  it('holds the 1328 regions of the Allen 2017 tree under the void root', () => {
    expect(rows.length).toBe(1328);
    expect(rows[0]).toEqual([0, 'void', 'void', null]);
    expect(rows[1]).toEqual([997, 'root', 'root', 0]);
    expect(rows.filter((r) => r[3] === null)).toHaveLength(1);
  });

  it('numbers the tree as django-mptt does (upstream dump values)', () => {
    const tree = new Map(nestedSets(rows).map((r) => [r.id, r]));
    expect(tree.get(0)).toMatchObject({ lft: 1, rght: 2656, level: 0, tree_id: 1 });
    // values from the upstream 3.6 dump
    expect(tree.get(1)).toMatchObject({ acronym: 'TMv', parent: 557, lft: 1544, rght: 1545, level: 9 });
    const ctx = tree.get(688)!;
    expect(ctx).toMatchObject({ acronym: 'CTX', name: 'Cerebral cortex', parent: 567, level: 4 });
    const descendants = [...tree.values()].filter((r) => r.lft >= ctx.lft && r.rght <= ctx.rght);
    expect(descendants).toHaveLength(567);
    const ancestors = [...tree.values()]
      .filter((r) => r.lft <= ctx.lft && r.rght >= ctx.rght && r.id !== 0)
      .sort((a, b) => a.lft - b.lft)
      .map((r) => r.id);
    expect(ancestors).toEqual([997, 8, 567, 688]);
    expect(tree.get(687)).toMatchObject({ acronym: 'RSPv5', parent: 886 });
  });
});

describe('nestedSets', () => {
  it('keeps children in the given order and counts per tree', () => {
    const rows: RegionRow[] = [
      [1, 'a', 'A', null],
      [3, 'c', 'C', 1],
      [2, 'b', 'B', 1],
      [4, 'd', 'D', 3],
      [9, 'z', 'Z', null],
    ];
    expect(nestedSets(rows).map((r) => [r.id, r.lft, r.rght, r.level, r.tree_id])).toEqual([
      [1, 1, 8, 0, 1],
      [3, 2, 5, 1, 1],
      [4, 3, 4, 2, 1],
      [2, 6, 7, 1, 1],
      [9, 1, 2, 0, 2],
    ]);
  });

  it('refuses unknown parents, duplicates and cycles', () => {
    expect(() => nestedSets([[1, 'a', 'A', 5]])).toThrow(/unknown parent 5/);
    expect(() => nestedSets([[1, 'a', 'A', null], [1, 'b', 'B', null]])).toThrow(/duplicate/);
    expect(() => nestedSets([[1, 'a', 'A', null], [2, 'b', 'B', 3], [3, 'c', 'C', 2]])).toThrow(/cycle/);
  });
});

#!/usr/bin/env node
// Builds src/apps/experiments/seed/brain-regions.json, the Allen CCF (2017) structure tree seeded into
// experiments_brainregion, from a copy of the public Allen structure-tree CSV (the one Allen's
// API exports, with columns id, name, acronym, parent_structure_id, ...).
//
//   node scripts/build-brain-regions.mjs path/to/allen_structure_tree.csv [out.json]
//
// Our file keeps only what the database needs: [id, acronym, name, parent id] per region, in
// tree pre-order (parents before children, siblings in the source's graph order). The row with
// id 0 ("void") is the root of the whole tree, as upstream Alyx stores it; regions without a
// parent are attached under it. The nested-set bounds (lft/rght) and levels are computed at seed
// time from this order.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [input, output = path.join(here, '..', 'src', 'apps', 'experiments', 'seed', 'brain-regions.json')] = process.argv.slice(2);
if (!input) {
  console.error('usage: node scripts/build-brain-regions.mjs <allen_structure_tree.csv> [out.json]');
  process.exit(2);
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field), rows.push(row), (row = []), (field = '');
    } else field += c;
  }
  if (field !== '' || row.length) row.push(field), rows.push(row);
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

const [header, ...records] = parseCsv(fs.readFileSync(input, 'utf8'));
const col = (name) => {
  const i = header.indexOf(name);
  if (i < 0) throw new Error(`column ${name} missing from ${input}`);
  return i;
};
const [iId, iName, iAcronym, iParent] = ['id', 'name', 'acronym', 'parent_structure_id'].map(col);

const regions = new Map();
const order = [];
for (const r of records) {
  const id = Number(r[iId]);
  if (!Number.isInteger(id)) throw new Error(`bad id ${r[iId]}`);
  if (regions.has(id)) throw new Error(`duplicate id ${id}`);
  const parentText = r[iParent].trim();
  regions.set(id, { id, acronym: r[iAcronym].trim(), name: r[iName].trim(), parent: parentText === '' ? null : Number(parentText) });
  order.push(id);
}
if (!regions.has(0)) regions.set(0, { id: 0, acronym: 'void', name: 'void', parent: null }), order.unshift(0);
for (const id of order) {
  const reg = regions.get(id);
  if (id !== 0 && reg.parent === null) reg.parent = 0;
  if (reg.parent !== null && !regions.has(reg.parent)) throw new Error(`region ${id} has unknown parent ${reg.parent}`);
}

// pre-order walk; children keep the order in which the source lists them
const children = new Map();
for (const id of order) {
  const p = regions.get(id).parent;
  if (p === null) continue;
  if (!children.has(p)) children.set(p, []);
  children.get(p).push(id);
}
const out = [];
const stack = [0];
while (stack.length) {
  const id = stack.pop();
  const r = regions.get(id);
  out.push([r.id, r.acronym, r.name, r.parent]);
  stack.push(...(children.get(id) ?? []).slice().reverse());
}
if (out.length !== regions.size) throw new Error(`${regions.size - out.length} regions are not reachable from the root (cycle?)`);
for (const key of ['acronym', 'name']) {
  const seen = new Set();
  for (const r of regions.values()) {
    if (seen.has(r[key])) throw new Error(`duplicate ${key} ${r[key]}`);
    seen.add(r[key]);
  }
}

const body = {
  description: 'Allen Mouse Brain Common Coordinate Framework structure tree (2017), with the "void" root of upstream Alyx.',
  columns: ['id', 'acronym', 'name', 'parent'],
  order: 'pre-order',
  regions: out,
};
const text = '{\n' + Object.entries(body)
  .map(([k, v]) =>
    k === 'regions'
      ? `  "regions": [\n${v.map((row) => '    ' + JSON.stringify(row)).join(',\n')}\n  ]`
      : `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`,
  )
  .join(',\n') + '\n}\n';
fs.writeFileSync(output, text);
console.log(`wrote ${out.length} regions to ${output}`);

#!/usr/bin/env node
// Summarises an OpenAPI document the way ONE reads it: for every endpoint (first path segment),
// the actions (from the HTTP methods) and the names of the list parameters. Used to record the
// facts of upstream Alyx's schema in test/compat/upstream-api.json:
//   node scripts/openapi-facts.mjs upstream-openapi.json > test/compat/upstream-api.json
import fs from 'node:fs';

const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = {};
for (const [path, ops] of Object.entries(doc.paths)) {
  const m = /^\/([^/]+)/.exec(path);
  if (!m) continue;
  const e = (out[m[1]] ??= { actions: [], list: null });
  for (const [method, op] of Object.entries(ops)) {
    const action = { get: path.includes('{') ? 'read' : 'list', post: 'create', put: 'update', patch: 'partial_update', delete: 'delete' }[method];
    if (!action) continue;
    if (!e.actions.includes(action)) e.actions.push(action);
    if (action === 'list' && e.list === null) e.list = (op.parameters ?? []).map((p) => p.name).sort();
  }
  e.actions.sort();
}
const sorted = Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
process.stdout.write(`${JSON.stringify(sorted, null, 1)}\n`);

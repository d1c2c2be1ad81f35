#!/usr/bin/env node
// Builds the actions reference data (procedure types, water types, cull reasons, cull methods) as
// our own JSON files in src/apps/actions/seed/, from upstream Alyx's install fixtures (Django dumpdata
// format, alyx/actions/fixtures/actions.<model>.json). Usage:
//   node scripts/actions-fixtures.mjs <dir holding the four actions.*.json fixtures>
// Output format: { "description": ..., "rows": [ { "id", "name", "description"? } ] }.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node scripts/actions-fixtures.mjs <fixtures dir>');
  process.exit(2);
}
const seedDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src/apps/actions/seed');
const models = [
  ['proceduretype', 'procedure-types.json', 'Procedure types (surgeries, sessions, restrictions).', true],
  ['watertype', 'water-types.json', 'Water types; "Water" is the default of water restrictions and administrations.', false],
  ['cullreason', 'cull-reasons.json', 'Reasons for culling a subject.', true],
  ['cullmethod', 'cull-methods.json', 'Methods of culling a subject.', true],
];
for (const [modelName, file, description, hasDescription] of models) {
  const src = JSON.parse(fs.readFileSync(path.join(dir, `actions.${modelName}.json`), 'utf8'));
  const rows = src
    .filter((r) => r.model === `actions.${modelName}`)
    .map((r) => {
      const row = { id: r.pk, name: r.fields.name };
      if (hasDescription) row.description = (r.fields.description ?? '').replace(/\r\n/g, '\n');
      return row;
    });
  fs.writeFileSync(path.join(seedDir, file), JSON.stringify({ description, rows }, null, 1) + '\n');
  console.log(`${file}: ${rows.length} rows`);
}

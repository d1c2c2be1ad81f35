#!/usr/bin/env node
// Derives the data app's reference data (data formats, repository types, dataset types) from an
// upstream Alyx fixture directory (alyx/data/fixtures) into our own seed files:
//   node scripts/derive-data-seed.mjs <fixtures dir>
// Output: src/apps/data/seed/formats.json, repository-types.json, dataset-types.json,
// each a sorted array of plain records keyed by our field names (ids kept so that rows stay the
// same across installs and imports of upstream dumps).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: derive-data-seed.mjs <upstream fixtures dir>');
  process.exit(2);
}
const outDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'apps', 'data', 'seed');
const read = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const write = (name, rows) => {
  fs.writeFileSync(path.join(outDir, name), JSON.stringify(rows.sort(byName), null, 1) + '\n');
  console.log(`${name}: ${rows.length} rows`);
};

write(
  'formats.json',
  read('data.dataformat.json').map(({ pk, fields: f }) => ({
    id: pk,
    name: f.name,
    file_extension: f.file_extension,
    description: f.description ?? '',
    matlab_loader_function: f.matlab_loader_function ?? '',
    python_loader_function: f.python_loader_function ?? '',
  })),
);
write(
  'repository-types.json',
  read('data.datarepositorytype.json').map(({ pk, fields: f }) => ({ id: pk, name: f.name })),
);
write(
  'dataset-types.json',
  read('data.datasettype.json').map(({ pk, fields: f }) => ({
    id: pk,
    name: f.name,
    description: f.description ?? '',
    filename_pattern: (f.filename_pattern ?? '').toLowerCase(),
  })),
);

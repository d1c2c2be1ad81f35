#!/usr/bin/env node
// Builds src/apps/actions/seed/reference-weights.json, the mouse growth curves used by the z-score
// water-control method, from the two CSV tables upstream Alyx ships (actions/static/
// ref_weighings_{female,male}.csv: no header, "age_weeks,mean_g,sd_g" per line, lines separated
// by CR or LF). Usage: node scripts/actions-reference-weights.mjs <female.csv> <male.csv>
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function parseTable(file) {
  const rows = fs
    .readFileSync(file, 'utf8')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const parts = line.split(',').map((s) => Number(s.trim()));
      if (parts.length !== 3 || parts.some((n) => !Number.isFinite(n)) || !Number.isInteger(parts[0])) {
        throw new Error(`${file}: cannot read line "${line}"`);
      }
      return parts;
    })
    .sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < rows.length; i++) {
    if (rows[i][0] !== rows[i - 1][0] + 1) throw new Error(`${file}: weeks are not contiguous at ${rows[i][0]}`);
  }
  return rows;
}

const [female, male] = process.argv.slice(2);
if (!female || !male) {
  console.error('usage: node scripts/actions-reference-weights.mjs <female.csv> <male.csv>');
  process.exit(2);
}
const out = {
  description:
    'Reference growth curves of laboratory mice (age in weeks, mean weight g, standard deviation g), ' +
    'used by the z-score water-control method. Ages outside the table are clamped to its range.',
  female: parseTable(female),
  male: parseTable(male),
};
const target = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src/apps/actions/seed/reference-weights.json');
const body = JSON.stringify(out, null, 0).replace(/\],\[/g, '],\n  [').replace(/:\[\[/g, ':[\n  [');
fs.writeFileSync(target, body + '\n');
console.log(`wrote ${target}: ${out.female.length} female rows, ${out.male.length} male rows`);

// Generates the SQL migration for schema changes with drizzle-kit.
// `--reset` regenerates the initial migration from scratch (only before the first release,
// while no installed database depends on the migration history).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const reset = process.argv.includes('--reset');
if (reset) fs.rmSync('src/db/migrations', { recursive: true, force: true });
const name = process.argv.find((a) => a.startsWith('--name='))?.slice(7) ?? (reset ? 'init' : undefined);
const args = ['drizzle-kit', 'generate', ...(name ? ['--name', name] : [])];
execFileSync('npx', args, { stdio: 'inherit' });

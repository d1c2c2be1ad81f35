// `alyx import` reads an upstream database model by model from the registry of models (allModels).
// The registry fills as the apps' tables modules load; a command loads only its own modules, so the
// import's modules must load every table themselves. Checked in a fresh process, as a command runs.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function modelCount(modules: string[]): number {
  const script = `const { allModels } = await import('./src/db/models.ts');
${modules.map((m) => `await import(${JSON.stringify(m)});`).join('\n')}
console.log(allModels().length);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return Number(r.stdout.trim());
}

describe('the model registry seen by the importer', () => {
  it('holds every table once the import modules alone are loaded', () => {
    const all = modelCount(['./src/db/schema.ts']);
    expect(all).toBeGreaterThan(40);
    expect(modelCount(['./src/db/import/upstream.ts'])).toBe(all);
    expect(modelCount(['./src/db/import/importer.ts'])).toBe(all);
  });
});

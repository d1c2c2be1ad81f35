// vitest globalSetup (PGlite project): build the template database once per run, and the web UI
// when its sources changed.
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openServices, seedAll } from '../src/db/setup.ts';
import { ensureTestDir, TEST_DIR, testConfig } from './templates.ts';
import { ensureWebBuilt } from '../src/cli/web-build.ts';

export default async function setup(project: TestProject) {
  ensureTestDir();
  // once, before any test file: browser test files running side by side would otherwise each start
  // a build of a stale UI and replace dist/web under the other's feet
  await ensureWebBuilt(() => {});
  const services = await openServices(testConfig({ databaseUrl: null }), { inMemory: true });
  await seedAll(services);
  const dump = await services.handle.pglite!.dumpDataDir('none');
  const file = path.join(TEST_DIR, `pglite-template-${process.pid}.tar`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await services.handle.close();
  project.provide('pgliteTemplate', file);
  return () => fs.rmSync(file, { force: true });
}

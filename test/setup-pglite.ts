// vitest globalSetup (PGlite project): build the template database once per run.
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openServices, seedAll } from '../src/db/setup.ts';
import { ensureTestDir, TEST_DIR, testConfig } from './templates.ts';

export default async function setup(project: TestProject) {
  ensureTestDir();
  const services = await openServices(testConfig({ databaseUrl: null }), { inMemory: true });
  await seedAll(services);
  const dump = await services.handle.pglite!.dumpDataDir('none');
  const file = path.join(TEST_DIR, `pglite-template-${process.pid}.tar`);
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await services.handle.close();
  project.provide('pgliteTemplate', file);
  return () => fs.rmSync(file, { force: true });
}

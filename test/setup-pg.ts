// vitest globalSetup (PostgreSQL project): a migrated, seeded template database per run; each
// test file copies it (CREATE DATABASE ... TEMPLATE) and drops its copy at the end.
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { openServices, seedAll } from '../src/db/setup.ts';
import { ensureTestDir, testConfig, withDatabase } from './templates.ts';
import setupPglite from './setup-pglite.ts';

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  ensureTestDir();
  const name = `alyx_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop database if exists ${name}`);
  await admin.query(`create database ${name}`);
  const services = await openServices(testConfig({ databaseUrl: withDatabase(url, name) }));
  await seedAll(services);
  await services.handle.close();
  project.provide('pgTemplate', name);
  // tests of the embedded path itself (CLI, backups of a data directory) run in this project too
  const dropPgliteTemplate = await setupPglite(project);
  return async () => {
    dropPgliteTemplate();
    // drop the template and any copy a crashed test file left behind
    const { rows } = await admin.query(`select datname from pg_database where datname like $1 or datname = $2`, [`${name.replace('tpl', 't')}_%`, name]);
    for (const r of rows) await admin.query(`drop database if exists ${r.datname} with (force)`);
    await admin.end();
  };
}

// Rows the data tests need from other apps, inserted directly (lab, subject, sessions, repositories).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { labs } from '../../src/apps/misc/tables.ts';
import { subjects } from '../../src/apps/subjects/tables.ts';
import { sessions } from '../../src/apps/actions/tables.ts';
import { dataRepositories, labRepositories } from '../../src/apps/data/tables.ts';
import type { TestApp } from '../helpers.ts';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `alyx-${prefix}-${crypto.randomBytes(3).toString('hex')}-`));
}

export async function makeLab(t: TestApp, name: string) {
  await t.services.db.insert(labs).values({ name }).onConflictDoNothing();
  const [lab] = await t.services.db.select().from(labs).where(eq(labs.name, name));
  return lab;
}

export async function makeSubject(t: TestApp, nickname: string, labId: string) {
  const [s] = await t.services.db.insert(subjects).values({ nickname, lab: labId }).returning();
  return s;
}

export async function makeSession(t: TestApp, subjectId: string, labId: string, startTime: string, number: number, extra: Partial<typeof sessions.$inferInsert> = {}) {
  const [s] = await t.services.db
    .insert(sessions)
    .values({ subject: subjectId, lab: labId, start_time: startTime, number, type: 'Experiment', ...extra })
    .returning();
  return s;
}

export async function makeRepository(t: TestApp, values: typeof dataRepositories.$inferInsert, labIds: string[] = []) {
  const [r] = await t.services.db.insert(dataRepositories).values(values).returning();
  if (labIds.length) await t.services.db.insert(labRepositories).values(labIds.map((lab) => ({ lab, datarepository: r.id })));
  return r;
}

/**
 * A lab with one subject, one session and a personal (rig) repository, and the dataset types
 * `typeNames` (seeded ones are fine): what a registration through /register-file needs.
 */
export async function makeRegistrationSite(
  t: TestApp,
  o: { lab: string; subject: string; startTime: string; repository: string; typeNames: string[] },
): Promise<{ sessionId: string }> {
  const lab = await makeLab(t, o.lab);
  const subject = await makeSubject(t, o.subject, lab.id);
  const session = await makeSession(t, subject.id, lab.id, o.startTime, 1);
  await makeRepository(t, { name: o.repository, globus_is_personal: true }, [lab.id]);
  for (const name of o.typeNames) {
    const r = await t.post('/dataset-types', { name, filename_pattern: '' });
    if (r.status !== 201 && r.body.name?.[0] !== 'dataset type with this name already exists.') throw new Error(`dataset type ${name}: ${r.text}`);
  }
  return { sessionId: session.id };
}

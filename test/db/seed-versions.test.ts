// Reference data is re-seeded only when its content changed: the hash of each app's seed content
// is kept in alyx_seed_version (src/db/setup.ts).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlyxApp } from '../../src/apps/app.ts';
import { apps } from '../../src/apps/index.ts';
import { dataRepositoryTypes } from '../../src/apps/data/tables.ts';
import { seedAll, seedHash } from '../../src/db/setup.ts';
import { seedVersions } from '../../src/db/tables.ts';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

function toyApp(content: { value: unknown }, runs: { n: number }, declared = true): AlyxApp {
  return {
    name: `toy_${declared}`,
    resources: [],
    seed: async () => void runs.n++,
    ...(declared ? { seedContent: () => content.value } : {}),
  };
}

describe('seed versions', () => {
  it('an app seeds once, is skipped while its content is unchanged, and seeds again when it changes', async () => {
    const content = { value: { rows: [1, 2, 3] } };
    const runs = { n: 0 };
    const app = toyApp(content, runs);
    expect(await seedAll(t.services, { apps: [app] })).toEqual({ seeded: ['toy_true'], skipped: [] });
    expect(await seedAll(t.services, { apps: [app] })).toEqual({ seeded: [], skipped: ['toy_true'] });
    expect(runs.n).toBe(1);
    const [stored] = await t.services.db.select().from(seedVersions).where(eq(seedVersions.app, 'toy_true'));
    expect(stored.hash).toBe(seedHash(app, t.services));

    content.value = { rows: [1, 2, 3, 4] };
    expect(await seedAll(t.services, { apps: [app] })).toEqual({ seeded: ['toy_true'], skipped: [] });
    expect(runs.n).toBe(2);
    expect(await seedAll(t.services, { apps: [app] })).toEqual({ seeded: [], skipped: ['toy_true'] });
    expect(await seedAll(t.services, { apps: [app], force: true })).toEqual({ seeded: ['toy_true'], skipped: [] });
    expect(runs.n).toBe(3);
  });

  it('an app that does not declare its seed content seeds at every start', async () => {
    const runs = { n: 0 };
    const app = toyApp({ value: null }, runs, false);
    await seedAll(t.services, { apps: [app] });
    await seedAll(t.services, { apps: [app] });
    expect(runs.n).toBe(2);
    expect(await t.services.db.select().from(seedVersions).where(eq(seedVersions.app, 'toy_false'))).toEqual([]);
  });

  it('a seeded database skips every app; an app whose stored hash differs is seeded again, alone', async () => {
    const withSeed = apps.filter((a) => a.seed).map((a) => a.name);
    expect(await seedAll(t.services)).toEqual({ seeded: [], skipped: withSeed });

    const { db } = t.services;
    const [removed] = await db.delete(dataRepositoryTypes).returning();
    expect(removed).toBeDefined();
    expect(await seedAll(t.services)).toEqual({ seeded: [], skipped: withSeed }); // unchanged content: not re-seeded

    await db.update(seedVersions).set({ hash: 'from an older release' }).where(eq(seedVersions.app, 'data'));
    expect(await seedAll(t.services)).toEqual({ seeded: ['data'], skipped: withSeed.filter((n) => n !== 'data') });
    expect(await db.select().from(dataRepositoryTypes).where(eq(dataRepositoryTypes.id, removed.id))).toEqual([removed]);
  });

  it('the lab of the configuration is part of the misc app\'s content: another ALYX_LAB seeds it', () => {
    const misc = apps.find((a) => a.name === 'misc')!;
    const other = { ...t.services, config: { ...t.services.config, labName: 'otherlab' } };
    expect(seedHash(misc, other)).not.toBe(seedHash(misc, t.services));
  });
});

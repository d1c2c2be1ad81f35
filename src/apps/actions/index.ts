import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AlyxApp, Services } from '../app.ts';
import { actionResources } from './resources.ts';
import { actionRoutes } from './routes.ts';
import { subjectExtensions, waterRestrictedSubjectResource } from './subject-water.ts';
import { checkWaterRestrictedSubjects, sendPendingNotifications } from './notifications.ts';
import { cullMethods, cullReasons, procedureTypes, waterTypes } from './tables.ts';

const SEED_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'seed');
const readSeed = (file: string) =>
  (JSON.parse(fs.readFileSync(path.join(SEED_DIR, file), 'utf8')) as { rows: Array<{ id: string; name: string; description?: string }> }).rows;

const SEED_FILES = {
  procedureTypes: 'procedure-types.json',
  waterTypes: 'water-types.json',
  cullReasons: 'cull-reasons.json',
  cullMethods: 'cull-methods.json',
};
const seedContent = () => Object.values(SEED_FILES).map(readSeed);

/** Reference data of upstream's install fixtures (spec-core §4.17); idempotent. */
export async function seedActions(services: Services): Promise<void> {
  await services.db.transaction(async (tx) => {
    await tx.insert(procedureTypes).values(readSeed(SEED_FILES.procedureTypes)).onConflictDoNothing();
    await tx.insert(waterTypes).values(readSeed(SEED_FILES.waterTypes)).onConflictDoNothing();
    await tx.insert(cullReasons).values(readSeed(SEED_FILES.cullReasons)).onConflictDoNothing();
    await tx.insert(cullMethods).values(readSeed(SEED_FILES.cullMethods)).onConflictDoNothing();
  });
}

const notifyEnv = (services: Services) => ({ db: services.db, config: services.config });

const app: AlyxApp = {
  name: 'actions',
  extends: { subjects: subjectExtensions },
  resources: [...actionResources, waterRestrictedSubjectResource],
  routes: actionRoutes,
  seed: seedActions,
  seedContent,
  jobs: [
    {
      // upstream's `check_water_admin` cron: water and weighing checks of restricted subjects
      name: 'check_water_admin',
      everySeconds: 3600,
      enabledByDefault: true,
      run: async (services) => {
        await checkWaterRestrictedSubjects(notifyEnv(services));
      },
    },
    {
      // upstream's `send_pending_notifications` cron (3 attempts, then no-send)
      name: 'send_pending_notifications',
      everySeconds: 600,
      enabledByDefault: true,
      run: async (services) => {
        await sendPendingNotifications(notifyEnv(services));
      },
    },
  ],
};
export default app;

// Opening the database for a one-shot command. With the embedded database, only one process may
// own the data dir: if `alyx serve` is running on it, we refuse with a clear message.
import { loadConfig } from '../config.ts';
import { startSiteDatabase } from '../db/embedded.ts';
import type { Services } from '../apps/app.ts';

export async function withServices<T>(fn: (services: Services) => Promise<T>, opts: { seed?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  // the embedded database starts on its worker thread while this one loads the database code
  const early = await startSiteDatabase(config);
  let services: Services;
  try {
    const { openServices, seedAll } = await import('../db/setup.ts');
    services = await openServices(config, early ? { started: early } : {});
    if (opts.seed !== false) await seedAll(services);
  } catch (e) {
    await early?.close();
    throw e;
  }
  try {
    return await fn(services);
  } finally {
    await services.handle.close();
  }
}

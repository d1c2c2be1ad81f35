// Opening the database for a one-shot command. With the embedded database, only one process may
// own the data dir: if `alyx serve` is running on it, we refuse with a clear message.
import { loadConfig } from '../config.ts';
import { openServices, seedAll } from '../db/setup.ts';
import type { Services } from '../apps/app.ts';

export async function withServices<T>(fn: (services: Services) => Promise<T>, opts: { seed?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const services = await openServices(config);
  try {
    if (opts.seed !== false) await seedAll(services);
    return await fn(services);
  } finally {
    await services.handle.close();
  }
}

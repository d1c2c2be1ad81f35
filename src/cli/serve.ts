import { sql } from 'drizzle-orm';
import { loadConfig } from '../config.ts';
import { ensureAdmin, openServices, seedAll } from '../db/setup.ts';
import { buildServer } from '../server.ts';
import { startScheduler } from '../scheduler.ts';
import { ensureWebBuilt } from './web-build.ts';
import { command, UsageError } from './args.ts';

export const serveCommand = command({
  name: 'serve',
  describe: 'run the REST API and web UI (applies migrations and seed data first)',
  options: {
    port: { type: 'integer', short: 'p', describe: 'port to listen on (overrides PORT)' },
    host: { type: 'string', value: 'HOST', describe: 'address to listen on (overrides HOST)' },
  },
  async run({ values }) {
    if (values.port !== undefined && values.port > 65535) throw new UsageError(`--port: ${values.port} is not a port (0-65535)`);
    const loaded = loadConfig();
    const config = { ...loaded, port: values.port ?? loaded.port, host: values.host ?? loaded.host };
    await ensureWebBuilt();
    const services = await openServices(config);
    await seedAll(services);
    const admin = await ensureAdmin(services);
    if (admin.created && admin.generated) {
      console.log('='.repeat(72));
      console.log(`Created superuser "admin" with password: ${admin.password}`);
      console.log('It is shown only this once. Change it with: npx alyx user password admin');
      console.log('='.repeat(72));
    } else if (admin.created) {
      console.log('Created superuser "admin" with the password from ALYX_ADMIN_PASSWORD.');
    }
    const app = await buildServer(services, { logger: process.env.ALYX_LOG !== 'off' });
    const scheduler = startScheduler(services);
    let closing = false;
    // the embedded database has no autovacuum, so its planner statistics are never refreshed on
    // their own (without them it guesses, e.g. a sequential scan of the file records for a page of
    // datasets): ANALYZE shortly after listening (before, or at once, it would delay the first
    // answers: the embedded database runs one statement at a time) and then hourly
    let statsTimer: NodeJS.Timeout | null = null;
    let analyze = () => {};
    // ALYX_ANALYZE_AT_START=off: none of these (to measure the plans a database gets without statistics)
    if (services.handle.driver === 'pglite' && process.env.ALYX_ANALYZE_AT_START !== 'off') {
      analyze = () => {
        if (!closing) services.db.execute(sql`analyze`).catch((e) => console.error('analyze failed:', e));
      };
      statsTimer = setInterval(analyze, 3600e3);
      statsTimer.unref();
    }
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      console.log(`${signal}: shutting down`);
      scheduler.stop();
      if (statsTimer) clearInterval(statsTimer);
      await app.close();
      await services.handle.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    await app.listen({ port: config.port, host: config.host });
    setTimeout(analyze, 2000).unref();
    console.log(
      `Alyx-local listening on http://${config.host}:${config.port} (database: ${
        services.handle.driver === 'pglite' ? `embedded, ${config.dataDir}/db` : 'PostgreSQL'
      })`,
    );
  },
});

// `alyx serve` (and `npm start`): opens the database, seeds it, listens, runs the scheduler, and
// stops cleanly on SIGTERM/SIGINT — closing the server, the scheduler and the database, which
// releases the data-dir lock — whether the signal reaches this process or the npm process that
// started it (npm forwards it; and when that parent dies without forwarding, we notice and stop).
import fs from 'node:fs';
import { loadConfig } from '../config.ts';
import { hasNoDatabase, pgliteDirOf, startSiteDatabase, type EmbeddedStart } from '../db/embedded.ts';
import type { Services } from '../services.ts';
// the HTTP server and the scheduler are loaded when `serve` runs: every other command loads this
// module too (src/cli/index.ts) and needs neither (Fastify and the routes are ~0.2 s of a start)
import type { buildServer } from '../server.ts';
import type { startScheduler } from '../scheduler.ts';
import { ensureWebBuilt } from './web-build.ts';
import { tuneHeap } from '../ops/heap-tuning.ts';
import { command, UsageError } from './args.ts';

/** How often the server checks that the process that started it (npm) is still there. */
const PARENT_CHECK_MS = 2000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The parent process id of `pid` (Linux: /proc; elsewhere unknown). */
function parentOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) || null;
  } catch {
    return null;
  }
}

/**
 * Started by npm (`npm start`), the server's parent is usually `sh -c ...`, which outlives an npm
 * that was killed: the grandparent (npm) is watched too.
 */
function ancestorsToWatch(): number[] {
  if (!process.env.npm_lifecycle_event) return [];
  const grandparent = parentOf(process.ppid);
  return grandparent && grandparent > 1 ? [grandparent] : [];
}

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
    tuneHeap(!config.databaseUrl);
    const say = (line: string) => console.log(line);

    // what is open so far, so that a signal during the start-up also closes it
    let services: Services | null = null;
    let early: EmbeddedStart | null = null;
    let app: Awaited<ReturnType<typeof buildServer>> | null = null;
    let scheduler: ReturnType<typeof startScheduler> | null = null;
    let closing = false;
    const initialParent = process.ppid;
    const watched = ancestorsToWatch();
    const shutdown = async (reason: string) => {
      if (closing) return;
      closing = true;
      say(`${reason}: shutting down`);
      // a close that hangs must not keep the process alive forever
      setTimeout(() => {
        console.error('shutdown took more than 10 s; exiting');
        process.exit(1);
      }, 10_000).unref();
      try {
        await scheduler?.stop();
        await app?.close();
        if (services) await services.handle.close();
        else await early?.close();
        say('stopped');
      } catch (e) {
        console.error('error while shutting down:', (e as Error).message);
      }
      process.exit(0);
    };
    process.on('SIGINT', () => void shutdown('SIGINT'));
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGHUP', () => void shutdown('SIGHUP'));
    // killed without a signal forwarded (e.g. `kill -9` of npm): we were re-parented
    const parentWatch = setInterval(() => {
      if (process.ppid !== initialParent || watched.some((pid) => !isAlive(pid))) void shutdown('parent process exited');
    }, PARENT_CHECK_MS);
    parentWatch.unref();
    /** true once a signal arrived: the start-up stops at the next step */
    const stopping = () => closing;

    const fresh = !config.databaseUrl && hasNoDatabase(config);
    say(fresh ? `Creating the database in ${pgliteDirOf(config)}...` : config.databaseUrl ? 'Opening the PostgreSQL database and applying migrations...' : 'Opening the database and applying migrations...');
    try {
      // The embedded database starts on its worker thread first; this thread loads the server and
      // builds its routes meanwhile (PostgreSQL's start is most of a reopen).
      early = await startSiteDatabase(config);
      const [setup, client, httpServer, jobs] = await Promise.all([
        import('../db/setup.ts'),
        import('../db/client.ts'),
        import('../server.ts'),
        import('../scheduler.ts'),
      ]);
      await ensureWebBuilt(say);
      if (stopping()) return;
      // embedded: a handle at once (statements wait for the database); PostgreSQL: migrated here
      services = await setup.openServices(config, early ? { started: early, migrate: false } : {});
      const opened = services;
      const prepared = (async () => {
        if (early) await client.migrateDatabase(opened.handle);
        let announced = false;
        await setup.seedAll(opened, {
          onSeed: (name) => {
            if (!announced) say('Loading reference data (first start or changed reference data)...');
            announced = true;
            say(`  ${name}`);
          },
        });
        const admin = await setup.ensureAdmin(opened);
        if (admin.created && admin.generated) {
          say('='.repeat(72));
          say(`Created superuser "admin" with password: ${admin.password}`);
          say('It is shown only this once. Change it with: npx alyx user password admin');
          say('='.repeat(72));
        } else if (admin.created) {
          say('Created superuser "admin" with the password from ALYX_ADMIN_PASSWORD.');
        }
      })();
      prepared.catch(() => {}); // awaited by buildServer; not an unhandled rejection meanwhile
      app = await httpServer.buildServer(services, { logger: process.env.ALYX_LOG !== 'off', databaseReady: prepared });
      if (stopping()) return;
      await app.listen({ port: config.port, host: config.host });
      // the first round of scheduled jobs (planner statistics among them: ANALYZE) shortly after
      // listening — before, or at once, it would delay the first answers (the embedded database runs
      // one statement at a time)
      scheduler = jobs.startScheduler(services, { firstRunMs: 2000 });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      say(
        `Alyx-local listening on http://${config.host}:${port} (database: ${
          services.handle.driver === 'pglite' ? `embedded, ${config.dataDir}/db` : 'PostgreSQL'
        })`,
      );
    } catch (e) {
      // a start that fails (a migration, the port taken) closes what it opened, so that the
      // database writes its state and the data-dir lock goes before the error is reported
      await app?.close().catch(() => {});
      if (services) await services.handle.close().catch(() => {});
      else await early?.close().catch(() => {});
      throw e;
    }
  },
});

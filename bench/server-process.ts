// What the benchmarks that start `alyx serve` as a child process share (bench/startup.ts, bench/writes.ts,
// bench/scale.ts): a free port, the environment of a server on a given data directory and database, and
// starting it until it answers.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { withMallocTunables } from '../src/ops/malloc-tuning.ts';
import { startFlagsFor } from '../src/ops/heap-tuning.ts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The first port of first..last that nobody listens on at 127.0.0.1 (for runs that must stay in a range). */
export async function freePortIn(first: number, last: number): Promise<number> {
  for (let port = first; port <= last; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${first}–${last}`);
}

/**
 * The environment of `alyx serve` on loopback at `port`, with its data directory, the embedded
 * database (null) or a PostgreSQL URL, the request log off and the admin's password set.
 */
export function serverEnv(dataDir: string, databaseUrl: string | null, port: number, adminPassword: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // started as `npm start` starts it: with its allocator settings
  const env: NodeJS.ProcessEnv = {
    ...withMallocTunables(process.env),
    ALYX_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    ALYX_LOG: 'off',
    ALYX_ADMIN_PASSWORD: adminPassword,
    ALYX_FROM_SOURCE: '',
    ...extra,
  };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return env;
}

export interface RunningServer {
  /** http://127.0.0.1:PORT */
  base: string;
  child: ChildProcess;
  /** SIGTERM, then resolves when the process has exited */
  stop(): Promise<void>;
}

/**
 * Starts `node [flags] bin/alyx.mjs serve` (this checkout's, or `bin`) with `env` (from serverEnv: PORT names
 * the port) and resolves once GET /health answers; rejects if it exits first or is not up in time.
 */
export async function startServer(env: NodeJS.ProcessEnv, opts: { bin?: string; timeoutMs?: number; stdio?: StdioOptions } = {}): Promise<RunningServer> {
  const bin = opts.bin ?? path.join(root, 'bin', 'alyx.mjs');
  // node's flags for the server's database, as the systemd unit and the Docker image pass them
  const child = spawn(process.execPath, [...startFlagsFor(!env.DATABASE_URL), bin, 'serve'], { env, stdio: opts.stdio ?? ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const base = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`alyx serve exited (${child.exitCode ?? child.signalCode}) before answering`);
    try {
      if ((await fetch(`${base}/health`)).ok) return { base, child, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`alyx serve did not answer within ${Math.round((opts.timeoutMs ?? 60_000) / 1000)} s`);
}

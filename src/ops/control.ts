// A local channel from the `alyx` command to the server running on an embedded data directory:
// PGlite must not be opened by a second process, so `alyx backup` asks the server to write the
// backup. While listening, the server writes `<data dir>/alyx.control.json` (mode 0600: only the
// account running the server can read it) with its pid, port and a random token; the endpoint
// accepts only that token, and only from a loopback address (the socket's, not X-Forwarded-For).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import type { Services } from '../services.ts';
import { CliError } from '../cli/args.ts';
import { createBackup, type Manifest } from './archive.ts';

export const controlFileOf = (config: Pick<Config, 'dataDir'>) => path.join(config.dataDir, 'alyx.control.json');
export const CONTROL_HEADER = 'x-alyx-control-token';

interface ControlInfo {
  pid: number;
  port: number;
  token: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export interface RemoteBackupResult {
  file: string;
  bytes: number;
  manifest: Manifest;
}

export function registerControl(app: FastifyInstance, services: Services): void {
  if (services.handle.driver !== 'pglite') return; // on PostgreSQL the command opens its own connection
  const token = crypto.randomBytes(32).toString('hex');
  const file = controlFileOf(services.config);
  app.addHook('onListen', async () => {
    const address = app.server.address();
    if (!address || typeof address === 'string') return;
    const info: ControlInfo = { pid: process.pid, port: address.port, token };
    fs.writeFileSync(file, JSON.stringify(info), { mode: 0o600 });
  });
  app.addHook('onClose', async () => {
    try {
      if ((JSON.parse(fs.readFileSync(file, 'utf8')) as ControlInfo).token === token) fs.unlinkSync(file);
    } catch {
      /* already gone */
    }
  });
  app.post('/api/admin/backup', { config: { public: true } }, async (request, reply) => {
    const given = Buffer.from(String(request.headers[CONTROL_HEADER] ?? ''));
    const ok = LOOPBACK.has(request.socket.remoteAddress ?? '') && given.length === token.length && crypto.timingSafeEqual(given, Buffer.from(token));
    if (!ok) return reply.code(403).send({ detail: 'You do not have permission to perform this action.', status_code: 403 });
    const body = (request.body ?? {}) as { out?: unknown; withSecrets?: unknown };
    if ((body.out !== undefined && typeof body.out !== 'string') || (body.withSecrets !== undefined && typeof body.withSecrets !== 'boolean')) {
      return reply.code(400).send({ detail: 'out must be a path and withSecrets a boolean', status_code: 400 });
    }
    const r = await createBackup(services, { out: body.out, withSecrets: body.withSecrets === true });
    return { file: r.file, bytes: r.bytes, manifest: r.manifest } satisfies RemoteBackupResult;
  });
}

/** Asks the server holding the data directory to write a backup; null when no server answers for it. */
export async function backupThroughServer(config: Config, opts: { out?: string; withSecrets?: boolean }): Promise<RemoteBackupResult | null> {
  let info: ControlInfo;
  try {
    info = JSON.parse(fs.readFileSync(controlFileOf(config), 'utf8')) as ControlInfo;
  } catch {
    return null;
  }
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${info.port}/api/admin/backup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CONTROL_HEADER]: info.token },
      body: JSON.stringify({ out: opts.out === undefined ? undefined : path.resolve(opts.out), withSecrets: opts.withSecrets === true }),
    });
  } catch (e) {
    throw new CliError(`the server (pid ${info.pid}) holds the data directory but did not answer on 127.0.0.1:${info.port}: ${(e as Error).message}`);
  }
  const body = (await response.json().catch(() => ({}))) as RemoteBackupResult & { detail?: string };
  if (!response.ok) throw new CliError(`the running server could not write the backup: ${body.detail ?? response.statusText}`);
  return body;
}

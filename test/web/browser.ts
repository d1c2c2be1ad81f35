// What the browser tests share: Debian's chromium launched headless, and the server with the built
// UI listening on a free local port.
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server.ts';
import type { Services } from '../../src/services.ts';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The server with the web UI on 127.0.0.1 and a free port; `base` is its origin. */
export async function serveWithUi(services: Services): Promise<{ server: FastifyInstance; base: string }> {
  const server = await buildServer(services, { serveWeb: true });
  await server.listen({ port: 0, host: '127.0.0.1' });
  return { server, base: `http://127.0.0.1:${(server.server.address() as AddressInfo).port}` };
}

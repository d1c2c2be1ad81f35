#!/usr/bin/env node
// Entry of the `alyx` command. Runs the compiled server and CLI in dist/server/, built by
// `npm install` (the `prepare` script) and rebuilt here when the sources changed since
// (scripts/build-server.mjs: about a second). Runs the TypeScript sources through tsx's loader
// instead when the build fails, or with ALYX_FROM_SOURCE=1.
import { buildIsCurrent, buildServer } from '../scripts/build-server.mjs';

async function loadMain() {
  if (!process.env.ALYX_FROM_SOURCE) {
    try {
      if (!buildIsCurrent()) {
        // said on a terminal only: scripts read stderr for the command's own messages
        if (process.stderr.isTTY) process.stderr.write('Building the server (first start or changed sources)...\n');
        await buildServer();
      }
      return (await import('../dist/server/main.js')).main;
    } catch (e) {
      process.stderr.write(`alyx: the server could not be built (${e.message}); running the TypeScript sources instead\n`);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../src/main.ts')).main;
}

const main = await loadMain();
await main(process.argv.slice(2)); // sets process.exitCode: 0 success, 1 error, 2 usage error

#!/usr/bin/env node
// Entry of the `alyx` command: runs the TypeScript sources through tsx's loader, so there is no
// separate server build step (the web UI has its own Vite build, done on demand by `serve`).
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../src/main.ts');
await main(process.argv.slice(2)); // sets process.exitCode: 0 success, 1 error, 2 usage error

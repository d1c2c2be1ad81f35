const t0 = performance.now();
const lap = (l) => console.log(l, Math.round(performance.now() - t0));
await import('/work/main/dist/server/server.js'); lap('server.js');
await import('/work/main/dist/server/apps/index.js'); lap('apps');
const { PGlite } = await import('@electric-sql/pglite'); lap('pglite module');
const db = await PGlite.create('/tmp/proftest-db'); lap('pglite open');
await db.query('select 1'); lap('q');

// The deployment files, checked statically (CI has no Docker engine): the compose file parses and
// has the services, volumes and health checks it should, with pinned images; the Dockerfile is
// multi-stage on Node 22 LTS, builds everything in the image and runs as a non-root user; nginx
// sends every path that is not a static file to the app (the API has no /api prefix).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GLIBC_MALLOC_TUNABLES } from '../../src/ops/malloc-tuning.ts';
import { startFlagsFor } from '../../src/ops/heap-tuning.ts';

const compose = parse(fs.readFileSync('deploy/compose.yaml', 'utf8'));
const dockerfile = fs.readFileSync('deploy/Dockerfile', 'utf8');
const nginx = fs.readFileSync('deploy/nginx.conf', 'utf8');

/** "postgres:16.4-bookworm" -> pinned; "postgres", "postgres:latest", "postgres:16-alpine"?: a major is the least */
function pinned(image: string): boolean {
  const tag = image.split(':')[1];
  return Boolean(tag) && tag !== 'latest' && /^\d+/.test(tag);
}

describe('deploy/compose.yaml', () => {
  it('has the app and PostgreSQL, and nginx and RabbitMQ behind profiles', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'db', 'nginx', 'rabbitmq']);
    expect(compose.services.app.profiles).toBeUndefined();
    expect(compose.services.db.profiles).toBeUndefined();
    expect(compose.services.nginx.profiles).toEqual(['nginx']);
    expect(compose.services.rabbitmq.profiles).toEqual(['rabbitmq']);
  });

  it('pins PostgreSQL to major 15 or 16 and every pulled image to a version', () => {
    expect(compose.services.db.image).toMatch(/^postgres:1[56](\.\d+)?(-[\w]+)?$/);
    for (const [name, s] of Object.entries<Record<string, unknown>>(compose.services)) {
      if (s.build) continue; // built from deploy/Dockerfile
      expect(pinned(String(s.image)), `${name}: ${s.image}`).toBe(true);
    }
  });

  it('gives every service a health check and starts the app once PostgreSQL is healthy', () => {
    for (const [name, s] of Object.entries<Record<string, any>>(compose.services)) {
      expect(s.healthcheck?.test, name).toBeTruthy();
    }
    expect(compose.services.app.depends_on.db.condition).toBe('service_healthy');
    expect(JSON.stringify(compose.services.app.healthcheck.test)).toContain('/health');
  });

  it('keeps the database, the config, the uploads and the backups on named volumes', () => {
    const declared = Object.keys(compose.volumes);
    const mounts = (s: string) => (compose.services[s].volumes as string[]).map((v) => v.split(':'));
    const app = Object.fromEntries(mounts('app').map(([from, to]) => [to, from]));
    expect(app['/data']).toBe('data');
    expect(app['/backups']).toBe('backups');
    expect(app['/config']).toBe('config');
    expect(Object.fromEntries(mounts('db').map(([from, to]) => [to, from]))['/var/lib/postgresql/data']).toBe('pgdata');
    for (const v of ['data', 'backups', 'config', 'pgdata']) expect(declared).toContain(v);
    // the app talks to the db service by name
    expect(compose.services.app.environment.DATABASE_URL).toMatch(/@db:5432\//);
  });

  it('builds the app and the nginx image from the one Dockerfile (targets that exist)', () => {
    expect(compose.services.app.build).toMatchObject({ dockerfile: 'deploy/Dockerfile', target: 'app' });
    expect(compose.services.nginx.build).toMatchObject({ dockerfile: 'deploy/Dockerfile', target: 'web' });
    const stages = [...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\w+)/gim)].map((m) => m[1]);
    expect(stages).toEqual(expect.arrayContaining(['build', 'web', 'app']));
  });
});

describe('deploy/Dockerfile', () => {
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gim)].map((m) => m[1]);

  it('is multi-stage on Node 22 LTS (bookworm-slim) and pinned images', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms.filter((f) => f.startsWith('node:'))).toEqual(['node:22-bookworm-slim', 'node:22-bookworm-slim']);
    for (const f of froms) expect(pinned(f), f).toBe(true);
  });

  it('builds the server and the web UI into the image and runs as a non-root user with a health check', () => {
    expect(dockerfile).toMatch(/npm ci\b/);
    expect(dockerfile).toMatch(/npm run build:server/);
    expect(dockerfile).toMatch(/npm run build:web/);
    expect(dockerfile).toMatch(/ALYX_SKIP_WEB_BUILD=1/); // no build (nor network) at start
    const last = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const user = /^USER\s+(\S+)/m.exec(last)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(last).toMatch(/^HEALTHCHECK[\s\S]*\/health/m);
    // node itself is PID 1's command (signals reach it), not npm
    const cmd = JSON.parse(/^CMD\s+(.*)$/m.exec(last)?.[1] ?? '[]') as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.slice(-2)).toEqual(['/app/bin/alyx.mjs', 'serve']);
    // with node's flags for a server on PostgreSQL (compose.yaml gives it one)
    expect(cmd.slice(1, -2)).toEqual(startFlagsFor(false));
  });

  it('starts the server with the allocator settings of `npm start`', () => {
    const last = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(last).toContain(`GLIBC_TUNABLES=${GLIBC_MALLOC_TUNABLES}`);
    const start = JSON.parse(fs.readFileSync('package.json', 'utf8')).scripts.start as string;
    expect(start).toBe(`GLIBC_TUNABLES=${GLIBC_MALLOC_TUNABLES} node bin/alyx.mjs serve`);
  });
});

describe('deploy/nginx.conf', () => {
  const locations = [...nginx.matchAll(/location\s+(=\s+)?(\S+)\s*\{([^}]*)\}/g)].map((m) => ({ exact: Boolean(m[1]), path: m[2], body: m[3] }));

  /** the location nginx picks for a URI (exact, then the longest prefix) */
  function route(uri: string) {
    const exact = locations.find((l) => l.exact && l.path === uri);
    if (exact) return exact;
    return locations.filter((l) => !l.exact && uri.startsWith(l.path)).sort((a, b) => b.path.length - a.path.length)[0];
  }

  it('sends the API paths (no /api prefix) to the app', () => {
    for (const uri of ['/subjects', '/sessions?lab=x', '/auth-token', '/admin/', '/uploaded/notes/x.png', '/health', '/cache.zip', '/api/whatever']) {
      expect(route(uri).body, uri).toMatch(/proxy_pass http:\/\/alyx_app;/);
    }
    expect(route('/subjects').body).toMatch(/X-Forwarded-Proto/);
    expect(nginx).toMatch(/server app:8000;/);
  });

  it('serves the web UI static files and public data files itself', () => {
    expect(route('/admin/assets/index-abc123.js').body).toMatch(/root \/usr\/share\/nginx\/html;/);
    expect(route('/files/lab/Subjects/a.npy').body).toMatch(/alias \/repositories\/;/);
    // the web image puts the UI where that root expects it
    expect(dockerfile).toMatch(/COPY --from=build \/app\/dist\/web \/usr\/share\/nginx\/html\/admin/);
  });
});

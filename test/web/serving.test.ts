// Serving the built web UI (src/server.ts): hashed assets cached a year, index.html revalidated,
// brotli and gzip files precompressed at build time (scripts/precompress.ts) sent as the client
// accepts, and the favicon. A small built tree stands in for dist/web; no browser.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer, IMMUTABLE_CACHE } from '../../src/server.ts';
import { precompressDir } from '../../scripts/precompress.ts';
import { startTestApp, type TestApp } from '../helpers.ts';

let t: TestApp;
let server: FastifyInstance;
let root: string;
const script = `export const rows = [${Array.from({ length: 400 }, (_, i) => `{ id: ${i}, name: "subject ${i}" }`).join(', ')}];\n`;
const indexHtml = `<!doctype html><html><head><link rel="icon" href="/admin/favicon.svg"><script type="module" src="/admin/assets/index-Ab12Cd34.js"></script></head><body>${'<!-- pad -->'.repeat(120)}<div id="root"></div></body></html>`;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-web-'));
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), indexHtml);
  fs.writeFileSync(path.join(root, 'assets', 'index-Ab12Cd34.js'), script);
  fs.writeFileSync(path.join(root, 'assets', 'tiny-Zz99.css'), 'body{margin:0}');
  fs.copyFileSync(path.join(import.meta.dirname, '..', '..', 'web', 'public', 'favicon.svg'), path.join(root, 'favicon.svg'));
  expect(precompressDir(root)).toBe(2); // index.html and the script; the small files stay as they are
  t = await startTestApp();
  server = await buildServer(t.services, { serveWeb: true, webRoot: root });
});
afterAll(async () => {
  await server?.close();
  await t.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const get = (url: string, encoding?: string) =>
  server.inject({ method: 'GET', url, headers: encoding === undefined ? {} : { 'accept-encoding': encoding } });

describe('precompression at build time', () => {
  it('writes .br and .gz files that decompress to the original', () => {
    const file = path.join(root, 'assets', 'index-Ab12Cd34.js');
    expect(zlib.brotliDecompressSync(fs.readFileSync(`${file}.br`)).toString()).toBe(script);
    expect(zlib.gunzipSync(fs.readFileSync(`${file}.gz`)).toString()).toBe(script);
    expect(fs.statSync(`${file}.br`).size).toBeLessThan(script.length / 4);
    expect(fs.existsSync(path.join(root, 'assets', 'tiny-Zz99.css.gz'))).toBe(false);
  });
});

describe('hashed assets', () => {
  it('are cached for a year, immutable, and sent brotli-compressed when accepted', async () => {
    const res = await get('/admin/assets/index-Ab12Cd34.js', 'gzip, deflate, br');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe(IMMUTABLE_CACHE);
    expect(IMMUTABLE_CACHE).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).toBe('br');
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(zlib.brotliDecompressSync(res.rawPayload).toString()).toBe(script);
  });

  it('gzip when brotli is not accepted, identity when nothing is', async () => {
    const gz = await get('/admin/assets/index-Ab12Cd34.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toBe(script);
    const plain = await get('/admin/assets/index-Ab12Cd34.js', 'identity');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
    expect(plain.headers['cache-control']).toBe(IMMUTABLE_CACHE);
  });

  it('small files are sent as they are, still cached', async () => {
    const res = await get('/admin/assets/tiny-Zz99.css', 'br, gzip');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body).toBe('body{margin:0}');
    expect(res.headers['cache-control']).toBe(IMMUTABLE_CACHE);
  });
});

describe('index.html', () => {
  it('is revalidated on every load (no-cache), compressed too', async () => {
    for (const url of ['/admin/', '/admin/index.html']) {
      const res = await get(url, 'br');
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
      expect(res.headers['content-encoding'], url).toBe('br');
      expect(zlib.brotliDecompressSync(res.rawPayload).toString()).toBe(indexHtml);
    }
    const plain = await get('/admin/');
    expect(plain.headers['content-type']).toMatch(/text\/html/);
    expect(plain.body).toBe(indexHtml);
  });

  it('needs no login (the login page is part of the UI)', async () => {
    expect((await get('/admin/')).statusCode).toBe(200);
  });
});

describe('favicon', () => {
  it('is an SVG of our own, served under /admin/ and redirected from /favicon.svg', async () => {
    const res = await get('/admin/favicon.svg');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/image\/svg\+xml/);
    expect(res.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(res.headers['cache-control']).toBe('no-cache');
    const redirect = await get('/favicon.svg');
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/admin/favicon.svg');
  });

  it('is linked from the UI page', () => {
    const html = fs.readFileSync(path.join(import.meta.dirname, '..', '..', 'web', 'index.html'), 'utf8');
    expect(html).toContain('<link rel="icon" type="image/svg+xml" href="/favicon.svg" />');
  });
});

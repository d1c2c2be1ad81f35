// Compiles the server and CLI (src/**/*.ts) to JavaScript in dist/server/, one output file per
// source file (same layout, so paths relative to import.meta.url keep working), and copies the
// other files of src/ (seed JSON, migrations) next to them. `npm install` runs it (`prepare`), and
// bin/alyx.mjs runs it again when the sources changed since (the build stamp below).
//
// esbuild rather than tsc: it compiles the ~100 files in well under a second where `tsc --noCheck`
// takes about 10 s, which matters when a start has to rebuild. Types are checked by `npm run typecheck`.
//
// Run: node scripts/build-server.mjs [--if-stale] [--no-template]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SRC_DIR = path.join(ROOT, 'src');
export const DIST_DIR = path.join(ROOT, 'dist', 'server');
const STAMP = 'build-stamp.json';
const THIS_FILE = fileURLToPath(import.meta.url);

/**
 * What the build depends on, cheaply: the number of files and directories under `srcDir` and their
 * newest mtime (a directory's mtime changes when an entry is added, removed or renamed), plus this
 * script's mtime. Any edit, checkout or deletion changes it; a walk of src/ takes a few ms.
 */
export function sourceFingerprint(srcDir = SRC_DIR, extra = [THIS_FILE]) {
  let count = 0;
  let newest = 0;
  const walk = (dir) => {
    newest = Math.max(newest, fs.statSync(dir).mtimeMs);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      count++;
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(srcDir);
  for (const f of extra) newest = Math.max(newest, fs.statSync(f).mtimeMs);
  return `${count}:${newest}`;
}

/** True when `distDir` holds a complete build of the current sources. */
export function buildIsCurrent(distDir = DIST_DIR, srcDir = SRC_DIR, extra = [THIS_FILE]) {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(distDir, STAMP), 'utf8'));
  } catch {
    return false; // no build, or an interrupted one (the stamp is written last)
  }
  return stamp.fingerprint === sourceFingerprint(srcDir, extra);
}

function listFiles(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) listFiles(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * The declarations of every `alyx` command (src/cli/manifest.ts), taken from the built modules in
 * a child process (loading them here would keep a second copy of the server in this process).
 */
function writeCommandManifest(outDir) {
  const url = (p) => JSON.stringify(pathToFileURL(path.join(outDir, p)).href);
  // which module under cli/ exports each command (a list export: at which index), so that running
  // one loads that module only
  const script = `const { commands } = await import(${url('cli/index.js')});
const { declarationsOf, MANIFEST_FILE } = await import(${url('cli/manifest.js')});
const fs = await import('node:fs');
const sources = new Map();
for (const file of fs.readdirSync(new URL(${url('cli/')}))) {
  if (!file.endsWith('.js') || file === 'index.js') continue; // index.js lists them all
  const mod = await import(new URL(file, ${url('cli/')}).href);
  for (const [exportName, value] of Object.entries(mod)) {
    if (Array.isArray(value)) value.forEach((c, index) => { if (!sources.has(c)) sources.set(c, { module: file, exportName, index }); });
    else if (value && typeof value === 'object' && !sources.has(value)) sources.set(value, { module: file, exportName });
  }
}
fs.writeFileSync(new URL(MANIFEST_FILE, ${url('cli/')}), JSON.stringify(declarationsOf(commands, sources), null, 1) + '\\n');`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'inherit', 'inherit'] });
}

/**
 * Builds into a fresh directory and swaps it in, so a process that starts meanwhile never sees a
 * half-written build (two processes building at once both produce the same output; the later swap wins).
 */
export async function buildServer({ srcDir = SRC_DIR, distDir = DIST_DIR, extra = [THIS_FILE] } = {}) {
  const { build } = await import('esbuild');
  const fingerprint = sourceFingerprint(srcDir, extra);
  const files = listFiles(srcDir);
  const sources = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
  const tmp = `${distDir}.tmp-${process.pid}-${Date.now()}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    await build({
      entryPoints: sources,
      outdir: tmp,
      outbase: srcDir,
      // bundle mode only so that the plugin below sees every import; each file stays its own module
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // Node 20.10+ reads `import ... with { type: 'json' }`; esbuild would drop the attribute for node20
      supported: { 'import-attributes': true },
      logLevel: 'warning',
      plugins: [
        {
          name: 'keep-relative-imports',
          setup(b) {
            // relative imports stay imports of the sibling output file: `./x.ts` becomes `./x.js`,
            // JSON and other files keep their name (they are copied below)
            b.onResolve({ filter: /^\.\.?\// }, (args) => {
              if (args.kind === 'entry-point') return undefined;
              return { path: args.path.replace(/\.ts$/, '.js'), external: true };
            });
          },
        },
      ],
    });
    for (const f of files) {
      if (f.endsWith('.ts')) continue;
      const target = path.join(tmp, path.relative(srcDir, f));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(f, target);
    }
    if (fs.existsSync(path.join(tmp, 'cli', 'index.js'))) writeCommandManifest(tmp);
    fs.writeFileSync(path.join(tmp, STAMP), JSON.stringify({ fingerprint, builtAt: new Date().toISOString() }) + '\n');
    if (buildIsCurrent(distDir, srcDir, extra)) {
      // another process built the same sources meanwhile and may be running from it: keep its build
      fs.rmSync(tmp, { recursive: true, force: true });
      return;
    }
    const old = `${distDir}.old-${process.pid}-${Date.now()}`;
    if (fs.existsSync(distDir)) fs.renameSync(distDir, old);
    fs.renameSync(tmp, distDir);
    fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The migrated empty embedded database a first start copies (src/db/template.ts), made by the
 * compiled code in a child process; skipped while current. Takes 5-10 s, so only the full build
 * (`npm install`, `npm run build:server`) makes it, not the rebuild at start.
 */
export function buildDatabaseTemplate(distDir = DIST_DIR) {
  const url = JSON.stringify(pathToFileURL(path.join(distDir, 'db', 'template.js')).href);
  const script = `const { buildTemplate } = await import(${url}); process.stdout.write(await buildTemplate());`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

if (process.argv[1] && path.resolve(process.argv[1]) === THIS_FILE) {
  if (!fs.existsSync(SRC_DIR)) {
    // `npm ci` before the sources are copied (deploy/Dockerfile): the build comes later
    console.log('build-server: no src/ yet, nothing to build');
    process.exit(0);
  }
  const t0 = performance.now();
  if (!(process.argv.includes('--if-stale') && buildIsCurrent())) {
    await buildServer();
    console.log(`server built in ${Math.round(performance.now() - t0)} ms: ${path.relative(process.cwd(), DIST_DIR) || DIST_DIR}`);
  }
  const t1 = performance.now();
  const template = process.argv.includes('--no-template') ? 'skipped' : buildDatabaseTemplate();
  if (template === 'built') console.log(`empty embedded database template made in ${Math.round(performance.now() - t1)} ms: dist/pglite-template`);
}

// `npm start` builds the web UI on first use (or when its sources changed), so a fresh clone needs
// only `npm install && npm start`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from '../paths.ts';

const root = PACKAGE_ROOT;

function newestMtime(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

export async function ensureWebBuilt(say: (line: string) => void = console.log): Promise<void> {
  const webSrc = path.join(root, 'web');
  const index = path.join(root, 'dist', 'web', 'index.html');
  if (!fs.existsSync(path.join(webSrc, 'index.html')) || process.env.ALYX_SKIP_WEB_BUILD) return;
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newestMtime(webSrc)) return;
  say('Building the web UI (first start or changed sources)...');
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'web/vite.config.ts'], {
      cwd: root,
      stdio: 'inherit',
    });
  } catch {
    console.error('The web UI could not be built; the REST API still runs. Try: npm run build:web');
  }
}

// Windows paths: repository directories given as drive letters or UNC shares are resolved and
// joined with path.win32 the way the file serving, the file check and the config do on Windows;
// and the embedded path runs no Unix tool (only the PostgreSQL client tools, for PostgreSQL sites).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveDir } from '../../src/config.ts';
import { safeJoin } from '../../src/apps/data/serve-files.ts';
import { scanSettings } from '../../src/apps/data/scan/settings.ts';

const w = path.win32;

describe('Windows repository directories', () => {
  it('config: drive letters and UNC paths stay absolute, relative ones resolve against the working directory', () => {
    expect(resolveDir('C:\\alyx', 'D:\\lab data\\raw', w)).toBe('D:\\lab data\\raw');
    expect(resolveDir('C:\\alyx', 'D:/lab data/raw', w)).toBe('D:\\lab data\\raw');
    expect(resolveDir('C:\\alyx', '\\\\fileserver\\lab\\raw', w)).toBe('\\\\fileserver\\lab\\raw');
    expect(resolveDir('C:\\alyx', '//fileserver/lab/raw', w)).toBe('\\\\fileserver\\lab\\raw');
    expect(resolveDir('C:\\alyx', 'repos\\main', w)).toBe('C:\\alyx\\repos\\main');
  });

  it('file serving and file check: a record\'s relative path joins inside a drive-letter root', () => {
    expect(safeJoin('D:\\lab data', 'cortexlab/Subjects/KS001/2024-01-01/001/alf/spikes.times.npy', w)).toBe(
      'D:\\lab data\\cortexlab\\Subjects\\KS001\\2024-01-01\\001\\alf\\spikes.times.npy',
    );
    expect(safeJoin('D:\\', 'a/b.npy', w)).toBe('D:\\a\\b.npy');
  });

  it('... and inside a UNC share', () => {
    expect(safeJoin('\\\\fileserver\\lab', 'Subjects/KS001/x.npy', w)).toBe('\\\\fileserver\\lab\\Subjects\\KS001\\x.npy');
  });

  it('refuses what would leave the root on Windows: .., backslashes, drive letters, streams, other shares', () => {
    for (const rel of ['../secret.txt', 'a/../../b', 'a\\..\\..\\b', 'C:/Windows/win.ini', 'C:', 'file.npy:stream', '//other/share/x']) {
      const joined = safeJoin('D:\\lab data', rel, w);
      if (joined !== null) expect(joined.startsWith('D:\\lab data\\'), `${rel} -> ${joined}`).toBe(true);
    }
    expect(safeJoin('D:\\lab data', '../secret.txt', w)).toBeNull();
    expect(safeJoin('D:\\lab data', 'C:/Windows/win.ini', w)).toBeNull();
    expect(safeJoin('D:\\lab data', 'x.npy:zone', w)).toBeNull();
    expect(safeJoin('D:\\lab', '../lab2/x', w)).toBeNull(); // a sibling with the same prefix
  });

  it('the same checks on POSIX', () => {
    expect(safeJoin('/srv/lab', 'a/b.npy')).toBe('/srv/lab/a/b.npy');
    expect(safeJoin('/srv/lab', '../lab2/x')).toBeNull();
    expect(safeJoin('/srv/lab', 'a\\b')).toBeNull();
  });

  it('the repository formats the config reads: a directory, an object, or a list of named objects (with url)', () => {
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'alyx-repos-'));
    const file = path.join(dir, 'alyx.config.json');
    fs.writeFileSync(file, JSON.stringify({ repositories: [{ name: 'main', path: 'raw', url: 'https://x.org/main', scan: true }] }));
    const config = loadConfig({ ALYX_CONFIG: file, ALYX_TIME_ZONE: 'UTC' } as NodeJS.ProcessEnv, dir);
    expect(config.repositoryDirs).toEqual({ main: path.join(dir, 'raw') });
    // the scanner accepts the name and url that `alyx configure` writes
    expect(() => scanSettings(config, 'main')).not.toThrow();
    expect(config.repositoryScan.main).toMatchObject({ scan: true, url: 'https://x.org/main' });
    fs.writeFileSync(file, JSON.stringify({ repositories: [{ path: 'raw' }] }));
    expect(() => loadConfig({ ALYX_CONFIG: file, ALYX_TIME_ZONE: 'UTC' } as NodeJS.ProcessEnv, dir)).toThrow(/repositories\[0\] needs a "name"/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('no Unix tools on the embedded path', () => {
  function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  }

  it('only the PostgreSQL client tools (PostgreSQL sites) and node itself are ever spawned', () => {
    const spawned: string[] = [];
    for (const file of sources('src')) {
      const text = fs.readFileSync(file, 'utf8');
      if (!text.includes('child_process')) continue;
      for (const m of text.matchAll(/(?<![.\w])(?:spawn|spawnSync|execFile|execFileSync|exec|execSync)\(\s*([^,)]+)/g)) spawned.push(`${path.relative('src', file)}: ${m[1].trim()}`);
      expect(text, file).not.toMatch(/(?<![.\w])(execSync|exec)\(|shell:\s*true/);
    }
    expect(spawned.length).toBeGreaterThan(0);
    for (const s of spawned) expect(s).toMatch(/: (tool|'pg_dump'|'psql'|process\.execPath)$/);
  });
});

// The compiled server (scripts/build-server.mjs): when bin/alyx.mjs must rebuild, what the build
// produces, and that `alyx --help` from the build loads no database or server module.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildIsCurrent, buildServer, sourceFingerprint } from '../../scripts/build-server.mjs';
import { commands } from '../../src/cli/index.ts';
import { declarationsOf } from '../../src/cli/manifest.ts';
import { TEST_DIR } from '../templates.ts';

const work = path.join(TEST_DIR, `build-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('stale-build detection', () => {
  const src = path.join(work, 'toy', 'src');
  const dist = path.join(work, 'toy', 'dist');
  const opts = { srcDir: src, distDir: dist, extra: [] as string[] };
  const current = () => buildIsCurrent(dist, src, []);

  it('builds each file with its relative imports pointing at the compiled files, copies the data files', async () => {
    write(path.join(src, 'main.ts'), "import { two } from './lib/two.ts';\nimport data from './seed/data.json' with { type: 'json' };\nexport const answer: number = two() + data.n;\n");
    write(path.join(src, 'lib', 'two.ts'), 'export const two = (): number => 2;\n');
    write(path.join(src, 'seed', 'data.json'), '{ "n": 40 }\n');
    expect(current()).toBe(false); // nothing built yet
    await buildServer(opts);
    expect(current()).toBe(true);
    expect(fs.readFileSync(path.join(dist, 'main.js'), 'utf8')).toContain('"./lib/two.js"');
    const mod = await import(pathToFileURL(path.join(dist, 'main.js')).href);
    expect(mod.answer).toBe(42);
  });

  it('is stale after an edit, an added file or a removed file, and current again after a rebuild', async () => {
    const edited = path.join(src, 'lib', 'two.ts');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(edited, later, later);
    expect(current()).toBe(false);
    await buildServer(opts);
    expect(current()).toBe(true);

    write(path.join(src, 'lib', 'three.ts'), 'export const three = 3;\n');
    expect(current()).toBe(false);
    await buildServer(opts);
    expect(current()).toBe(true);
    expect(fs.existsSync(path.join(dist, 'lib', 'three.js'))).toBe(true);

    const before = sourceFingerprint(src, []);
    fs.rmSync(path.join(src, 'lib', 'three.ts'));
    expect(sourceFingerprint(src, [])).not.toBe(before);
    expect(current()).toBe(false);
    await buildServer(opts);
    expect(fs.existsSync(path.join(dist, 'lib', 'three.js'))).toBe(false); // a rebuild starts clean
  });

  it('a build without its stamp (interrupted) is not current', () => {
    fs.rmSync(path.join(dist, 'build-stamp.json'));
    expect(current()).toBe(false);
  });
});

describe('the compiled alyx', () => {
  const dist = path.join(work, 'server');

  it('lists every command from the manifest and answers --help without the database or server modules', async () => {
    await buildServer({ distDir: dist });
    const manifest = JSON.parse(fs.readFileSync(path.join(dist, 'cli', 'commands.json'), 'utf8'));
    expect(manifest.map(({ source: _, ...decl }: { source?: unknown }) => decl)).toEqual(JSON.parse(JSON.stringify(declarationsOf(commands))));
    // and where each command's code is: running one loads its own module, not all of them
    for (const [i, entry] of manifest.entries()) {
      expect(entry.source, entry.name).toBeDefined();
      expect(entry.source.module).not.toBe('index.js');
      const mod = await import(pathToFileURL(path.join(dist, 'cli', entry.source.module)).href);
      const value = mod[entry.source.exportName];
      expect((entry.source.index === undefined ? value : value[entry.source.index]).name).toBe(commands[i].name);
    }
    expect(fs.existsSync(path.join(dist, 'db', 'migrations', 'meta', '_journal.json'))).toBe(true);

    // remove the database and server code: the help texts must not need them
    for (const f of ['db/client.js', 'db/setup.js', 'server.js']) fs.rmSync(path.join(dist, f));
    const run = (...argv: string[]) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(pathToFileURL(path.join(dist, 'main.js')).href)}); await main(${JSON.stringify(argv)});`], {
        encoding: 'utf8',
      });
    let r = run('--help');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: alyx <command> \[options\]/);
    for (const c of commands) expect(r.stdout).toContain(`  ${c.name} `);
    r = run('backup', '--help');
    expect([r.status, r.stdout.split('\n')[0]]).toEqual([0, 'usage: alyx backup [--out DIR|FILE] [--with-secrets] [--sql]']);
    r = run('backup', '--ouput', 'x');
    expect([r.status, r.stderr.split('\n')[0]]).toEqual([2, 'alyx backup: unexpected argument --ouput']);
    // running a command does load them (and here fails for want of them)
    r = run('migrate');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/db\/setup\.js|Cannot find module/);
  });
});

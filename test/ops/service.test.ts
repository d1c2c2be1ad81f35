// `alyx service install`: the systemd unit (Linux), the launchd plist (macOS) and the Windows
// instructions, through --dry-run (prints, writes nothing) and the real write to a home directory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCommandArgs } from '../../src/cli/args.ts';
import { serviceInstallCommand, systemdUnit } from '../../src/cli/service.ts';
import { GLIBC_MALLOC_TUNABLES } from '../../src/ops/malloc-tuning.ts';
import { startFlagsFor } from '../../src/ops/heap-tuning.ts';

async function run(argv: string[]): Promise<string> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    await serviceInstallCommand.run(parseCommandArgs(serviceInstallCommand as never, argv));
    return log.mock.calls.map((c) => c.join(' ')).join('\n');
  } finally {
    log.mockRestore();
  }
}

afterEach(() => vi.unstubAllEnvs());

describe('alyx service install', () => {
  it('--dry-run on Linux prints a systemd unit that runs `alyx serve` here and the systemctl commands, writing nothing', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-home-'));
    vi.stubEnv('HOME', home);
    vi.stubEnv('DATABASE_URL', '');
    const out = await run(['--dry-run', '--platform', 'linux', '--name', 'alyx-lab']);
    expect(out).toContain('[Service]');
    expect(out).toContain(`WorkingDirectory=${process.cwd()}`);
    expect(out).toMatch(new RegExp(`ExecStart=${process.execPath.replace(/[/.]/g, '\\$&')} \\S+bin/alyx\\.mjs serve`));
    expect(out).toContain('KillSignal=SIGTERM');
    expect(out).toContain(`Environment=GLIBC_TUNABLES=${GLIBC_MALLOC_TUNABLES}`);
    expect(out).toMatch(/systemctl (--user )?enable --now alyx-lab/);
    expect(out).toContain('not written: --dry-run');
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it("starts a server on PostgreSQL with node's flags for it, and one on the embedded database without", async () => {
    const flags = startFlagsFor(false).join(' ');
    expect(flags).toMatch(/^--/);
    vi.stubEnv('DATABASE_URL', 'postgres://alyx@db.example.org/alyx');
    const pg = await run(['--dry-run', '--platform', 'linux']);
    expect(pg).toMatch(new RegExp(`ExecStart=\\S+ ${flags} \\S+bin/alyx\\.mjs serve`));
    expect(await run(['--dry-run', '--platform', 'darwin'])).toContain(`<string>${flags}</string>`);
    vi.stubEnv('DATABASE_URL', '');
    expect(startFlagsFor(true)).toEqual([]);
    expect(await run(['--dry-run', '--platform', 'linux'])).not.toContain(flags);
  });

  it('writes the unit where systemd looks (the user unit directory when not root)', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-home-'));
    vi.stubEnv('HOME', home);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      // as root the unit goes to /etc/systemd/system: check the text only, not the system
      expect(systemdUnit({ name: 'alyx', workDir: '/srv/alyx', node: '/usr/bin/node', nodeFlags: [], entry: '/opt/alyx/bin/alyx.mjs', user: 'alyx' }, true)).toMatch(/User=alyx[\s\S]*WantedBy=multi-user\.target/);
    } else {
      const out = await run(['--platform', 'linux']);
      const file = path.join(home, '.config', 'systemd', 'user', 'alyx.service');
      expect(out).toContain(`Wrote ${file}`);
      expect(fs.readFileSync(file, 'utf8')).toContain('WantedBy=default.target');
    }
  });

  it('macOS: a launchd plist with the label, the command and the working directory', async () => {
    const out = await run(['--dry-run', '--platform', 'darwin']);
    expect(out).toContain('<key>Label</key><string>org.alyx-local.alyx</string>');
    expect(out).toMatch(/<string>[^<]*bin\/alyx\.mjs<\/string><string>serve<\/string>/);
    expect(out).toContain(`<key>WorkingDirectory</key><string>${process.cwd()}</string>`);
    expect(out).toContain('launchctl load -w');
  });

  it('Windows: NSSM and Task Scheduler instructions', async () => {
    const out = await run(['--platform', 'win32']);
    expect(out).toMatch(/nssm install alyx "[^"]+" "[^"]*alyx\.mjs" serve/);
    expect(out).toContain(`AppDirectory "${process.cwd()}"`);
    expect(out).toMatch(/schtasks \/Create \/TN alyx \/SC ONSTART/);
  });

  it('refuses a service name that is not a plain word', async () => {
    await expect(run(['--dry-run', '--name', 'alyx; rm -rf /'])).rejects.toThrow(/--name/);
  });
});

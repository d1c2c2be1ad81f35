// `alyx service install`: runs the server as a system service. On Linux it writes a systemd unit
// (to /etc/systemd/system when run as root, else the user's ~/.config/systemd/user) and prints the
// systemctl commands; on macOS it writes a launchd agent plist; elsewhere (Windows) it prints how to
// do it with NSSM or the Task Scheduler. --dry-run prints what would be written and writes nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../paths.ts';
import { GLIBC_MALLOC_TUNABLES } from '../ops/malloc-tuning.ts';
import { startFlagsFor } from '../ops/heap-tuning.ts';
import { loadConfig } from '../config.ts';
import { CliError, command } from './args.ts';

export interface ServiceSpec {
  /** service name: alyx, or alyx-<name> */
  name: string;
  /** the working directory: where alyx.config.json is */
  workDir: string;
  node: string;
  /** node's flags for the server (src/ops/heap-tuning.ts startFlagsFor) */
  nodeFlags: string[];
  entry: string;
  user: string;
}

export function systemdUnit(s: ServiceSpec, asRoot: boolean): string {
  return [
    '[Unit]',
    `Description=Alyx-local lab database (${s.workDir})`,
    'After=network-online.target postgresql.service',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    ...(asRoot ? [`User=${s.user}`] : []),
    `WorkingDirectory=${s.workDir}`,
    `ExecStart=${[s.node, ...s.nodeFlags, s.entry].join(' ')} serve`,
    'Environment=NODE_ENV=production',
    // the allocator settings `npm start` uses (src/ops/malloc-tuning.ts)
    `Environment=GLIBC_TUNABLES=${GLIBC_MALLOC_TUNABLES}`,
    // SIGTERM: the server closes its connections and the database, and releases data/alyx.lock
    'KillSignal=SIGTERM',
    'TimeoutStopSec=30',
    'Restart=on-failure',
    'RestartSec=5',
    ...(asRoot ? ['NoNewPrivileges=true', 'PrivateTmp=true'] : []),
    '',
    '[Install]',
    `WantedBy=${asRoot ? 'multi-user.target' : 'default.target'}`,
    '',
  ].join('\n');
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function launchdPlist(s: ServiceSpec, label: string): string {
  const log = path.join(s.workDir, 'data', 'alyx.log');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>${xml(label)}</string>
  <key>ProgramArguments</key>
  <array>${[s.node, ...s.nodeFlags, s.entry, 'serve'].map((a) => `<string>${xml(a)}</string>`).join('')}</array>
  <key>WorkingDirectory</key><string>${xml(s.workDir)}</string>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
  <key>StandardOutPath</key><string>${xml(log)}</string>
  <key>StandardErrorPath</key><string>${xml(log)}</string>
</dict>
</plist>
`;
}

export function windowsInstructions(s: ServiceSpec): string {
  return [
    'Windows has no service file to write. Either:',
    '',
    '  NSSM (https://nssm.cc), from an administrator prompt:',
    `    nssm install ${s.name} "${s.node}" ${s.nodeFlags.map((f) => `${f} `).join('')}"${s.entry}" serve`,
    `    nssm set ${s.name} AppDirectory "${s.workDir}"`,
    `    nssm set ${s.name} AppStopMethodConsole 30000`,
    `    nssm start ${s.name}`,
    '',
    '  or the Task Scheduler (starts at boot, no console window):',
    `    schtasks /Create /TN ${s.name} /SC ONSTART /RU SYSTEM /TR "cmd /c cd /d \\"${s.workDir}\\" && \\"${s.node}\\" ${s.nodeFlags.map((f) => `${f} `).join('')}\\"${s.entry}\\" serve"`,
    `    schtasks /Run /TN ${s.name}`,
    '',
  ].join('\n');
}

export const serviceInstallCommand = command({
  name: 'service install',
  describe: 'run the server as a system service: writes a systemd unit (Linux) or launchd plist (macOS); Windows: prints NSSM/Task Scheduler steps',
  options: {
    'dry-run': { type: 'boolean', describe: 'print the file and the commands; write nothing' },
    name: { type: 'string', value: 'NAME', default: 'alyx', describe: 'service name' },
    user: { type: 'string', value: 'USER', describe: 'system user that runs it (Linux, as root; default: the current user)' },
    platform: { type: 'string', value: 'OS', choices: ['linux', 'darwin', 'win32'], describe: 'write for this system instead of this one' },
  },
  async run({ values }) {
    const platform = values.platform ?? process.platform;
    const spec: ServiceSpec = {
      name: values.name,
      workDir: process.cwd(),
      node: process.execPath,
      // the database the service will open: its config file here, or the environment of this command
      nodeFlags: startFlagsFor(!loadConfig().databaseUrl),
      entry: path.join(PACKAGE_ROOT, 'bin', 'alyx.mjs'),
      user: values.user ?? os.userInfo().username,
    };
    if (!/^[\w.-]+$/.test(spec.name)) throw new CliError(`--name: ${spec.name} may only hold letters, numbers, '.', '-' and '_'`);
    const dry = values['dry-run'];
    const write = (file: string, text: string) => {
      if (dry) {
        console.log(`# ${file} (not written: --dry-run)\n${text}`);
        return;
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      console.log(`Wrote ${file}`);
    };
    if (platform === 'linux') {
      const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
      const dir = asRoot ? '/etc/systemd/system' : path.join(os.homedir(), '.config', 'systemd', 'user');
      write(path.join(dir, `${spec.name}.service`), systemdUnit(spec, asRoot));
      const ctl = asRoot ? 'systemctl' : 'systemctl --user';
      console.log(
        [
          'Then:',
          `  ${ctl} daemon-reload`,
          `  ${ctl} enable --now ${spec.name}`,
          `  ${ctl} status ${spec.name}`,
          `  journalctl ${asRoot ? '' : '--user '}-u ${spec.name} -f      # its log`,
          ...(asRoot ? [] : [`  loginctl enable-linger ${spec.user}      # keep it running after you log out`]),
        ].join('\n'),
      );
    } else if (platform === 'darwin') {
      const label = `org.alyx-local.${spec.name}`;
      write(path.join(os.homedir(), 'Library', 'LaunchAgents', `${label}.plist`), launchdPlist(spec, label));
      console.log(['Then:', `  launchctl load -w ~/Library/LaunchAgents/${label}.plist`, `  launchctl list | grep ${label}`, `  launchctl unload ~/Library/LaunchAgents/${label}.plist   # stop it`].join('\n'));
    } else {
      console.log(windowsInstructions(spec));
    }
  },
});

// Every `alyx` subcommand. Apps may contribute commands through `cli` exports (files, tasks...).
import { serveCommand } from './serve.ts';
import { migrateCommand } from './migrate.ts';
import { userCreateCommand, userPasswordCommand } from './user.ts';
import { appCommands } from './app-commands.ts';
import { importCommand } from './import.ts';
import { backupCommand, backupVerifyCommand } from './backup.ts';
import { restoreCommand } from './restore.ts';
import { doctorCommand } from './doctor.ts';
import { upgradeCommand } from './upgrade.ts';
import type { Command } from './args.ts';

export type { Command };

export const commands: Command[] = [
  serveCommand,
  migrateCommand,
  userCreateCommand,
  userPasswordCommand,
  importCommand,
  backupCommand,
  backupVerifyCommand,
  restoreCommand,
  doctorCommand,
  upgradeCommand,
  ...appCommands,
] as Command[];

/** The command list, for `alyx --help` (all of them) or `alyx user` (those starting with "user "). */
export function commandList(list: Command[] = commands): string {
  const width = Math.max(...list.map((c) => c.name.length)) + 2;
  return list.map((c) => `  ${c.name.padEnd(width)}${c.describe}`).join('\n');
}

export function generalHelp(): string {
  return [
    'usage: alyx <command> [options]',
    '',
    'Commands:',
    commandList(),
    '',
    '"alyx <command> --help" describes a command. Exit codes: 0 success, 1 error, 2 usage error.',
    'Configuration comes from the environment (PORT, HOST, DATABASE_URL, ALYX_DATA_DIR, ...) or alyx.config.json; see README.md.',
  ].join('\n');
}

// Every `alyx` subcommand. Apps may contribute commands through `cli` exports (files, tasks...).
import { serveCommand } from './serve.ts';
import { migrateCommand } from './migrate.ts';
import { userCreateCommand, userPasswordCommand } from './user.ts';
import { appCommands } from './app-commands.ts';
import { importCommand } from './import.ts';
import { backupCommand } from './backup.ts';
import { restoreCommand } from './restore.ts';

export interface Command {
  name: string;
  usage?: string;
  describe: string;
  run(args: string[]): Promise<void>;
}

export const commands: Command[] = [serveCommand, migrateCommand, userCreateCommand, userPasswordCommand, importCommand, backupCommand, restoreCommand, ...appCommands];

export function printHelp(): void {
  console.log('Usage: alyx <command> [options]\n\nCommands:');
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  for (const c of commands) console.log(`  ${c.name.padEnd(width)}${c.describe}`);
  console.log('\nConfiguration comes from the environment (PORT, HOST, DATABASE_URL, ALYX_DATA_DIR, ...) or alyx.config.json; see README.md.');
}

// Every `alyx` subcommand. Apps may contribute commands through `cli` exports (files, tasks...).
// Loading this module loads the whole server: main.ts reaches it only to run a command (the help
// texts come from the declarations, see src/cli/manifest.ts).
import { serveCommand } from './serve.ts';
import { migrateCommand } from './migrate.ts';
import { userCreateCommand, userPasswordCommand, userTokensCommand } from './user.ts';
import { appCommands } from './app-commands.ts';
import { importCommand } from './import.ts';
import { backupCommand, backupVerifyCommand } from './backup.ts';
import { restoreCommand } from './restore.ts';
import { doctorCommand } from './doctor.ts';
import { upgradeCommand } from './upgrade.ts';
import { configureCommand } from './configure.ts';
import { serviceInstallCommand } from './service.ts';
import type { Command } from './args.ts';

export type { Command };

export const commands: Command[] = [
  serveCommand,
  migrateCommand,
  userCreateCommand,
  userPasswordCommand,
  userTokensCommand,
  importCommand,
  backupCommand,
  backupVerifyCommand,
  restoreCommand,
  doctorCommand,
  upgradeCommand,
  configureCommand,
  serviceInstallCommand,
  ...appCommands,
] as Command[];

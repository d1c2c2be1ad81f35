// The `alyx` command.
import { commands, printHelp } from './cli/index.ts';
import { ConfigError } from './config.ts';
import { DataDirLockedError } from './db/client.ts';
import { CliError } from './cli/args.ts';

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    printHelp();
    return;
  }
  // two-word commands: `alyx user create`, `alyx files check`, `alyx tasks cleanup`
  const twoWord = rest[0] && !rest[0].startsWith('-') ? commands.find((c) => c.name === `${name} ${rest[0]}`) : undefined;
  const command = twoWord ?? commands.find((c) => c.name === name);
  if (!command) {
    console.error(`alyx: unknown command "${[name, rest[0]].filter(Boolean).join(' ')}". Run "alyx --help".`);
    process.exitCode = 2;
    return;
  }
  const args = twoWord ? rest.slice(1) : rest;
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`alyx ${command.name} ${command.usage ?? ''}\n\n${command.describe}`);
    return;
  }
  try {
    await command.run(args);
  } catch (e) {
    if (e instanceof ConfigError || e instanceof DataDirLockedError || e instanceof CliError) {
      console.error(`alyx ${command.name}: ${e.message}`);
      process.exitCode = e instanceof CliError ? e.exitCode : 1;
      return;
    }
    throw e;
  }
}

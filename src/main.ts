// The `alyx` command: finds the command named by the first one or two words, parses the rest
// strictly against its declaration (src/cli/args.ts), runs it, and turns expected failures into one
// line on stderr. Exit codes: 0 success, 1 error while running, 2 usage error.
// Only declarations are loaded up front (src/cli/manifest.ts): a command's code when it runs.
import { ConfigError } from './config.ts';
import { DataDirLockedError } from './db/lock.ts';
import { CliError, parseCommandArgs, usageOf, UsageError, type Command } from './cli/args.ts';
import { commandList, generalHelp } from './cli/help.ts';
import { loadCommands } from './cli/manifest.ts';

const say = (text: string) => console.log(text);
const complain = (text: string) => console.error(text);

/** A failure the user can act on (no stack trace): ours, the config's, the lock's, or a file system error. */
function expectedMessage(e: unknown): string | null {
  if (e instanceof CliError || e instanceof ConfigError || e instanceof DataDirLockedError) return e.message;
  const sys = e as NodeJS.ErrnoException;
  if (sys instanceof Error && typeof sys.code === 'string' && typeof sys.syscall === 'string') return sys.message;
  return null;
}

/** The command named by `argv`, or the exit code after saying why there is none. */
function findCommand(commands: Command[], argv: string[]): { command: Command; args: string[] } | number {
  const [name, next, ...rest] = argv;
  if (!name) {
    complain(generalHelp(commands));
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    say(generalHelp(commands));
    return 0;
  }
  const twoWord = next !== undefined ? commands.find((c) => c.name === `${name} ${next}`) : undefined;
  if (twoWord) return { command: twoWord, args: rest };
  const one = commands.find((c) => c.name === name);
  if (one) return { command: one, args: argv.slice(1) };
  const family = commands.filter((c) => c.name.startsWith(`${name} `));
  if (family.length) {
    // `alyx user`: list its subcommands
    const asked = next === '--help' || next === '-h';
    if (next !== undefined && !asked) complain(`alyx: unknown command "${name} ${next}".`);
    (asked ? say : complain)(`alyx ${name} commands:\n${commandList(family)}`);
    return asked ? 0 : 2;
  }
  complain(`alyx: unknown command "${name}". Commands:\n${commandList(commands)}`);
  return 2;
}

async function runCommand(command: Command, argv: string[]): Promise<number> {
  try {
    const args = parseCommandArgs(command, argv);
    if (args.help) {
      say(usageOf(command));
      return 0;
    }
    return (await command.run(args)) ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      complain(`alyx ${command.name}: ${e.message}\n\n${usageOf(command)}`);
      return 2;
    }
    const message = expectedMessage(e);
    if (message === null) throw e;
    complain(`alyx ${command.name}: ${message}`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

/** Runs `alyx <argv>`; returns the exit code and sets process.exitCode when it is not 0. */
export async function main(argv: string[]): Promise<number> {
  const found = findCommand(await loadCommands(), argv);
  const code = typeof found === 'number' ? found : await runCommand(found.command, found.args);
  if (code) process.exitCode = code;
  return code;
}

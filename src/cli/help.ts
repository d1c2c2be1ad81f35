// The texts of `alyx --help` and of `alyx <family>`, from the commands' declarations only.
import type { CommandDecl } from './args.ts';

/** The command list, for `alyx --help` (all of them) or `alyx user` (those starting with "user "). */
export function commandList(list: CommandDecl[]): string {
  const width = Math.max(...list.map((c) => c.name.length)) + 2;
  return list.map((c) => `  ${c.name.padEnd(width)}${c.describe}`).join('\n');
}

export function generalHelp(list: CommandDecl[]): string {
  return [
    'usage: alyx <command> [options]',
    '',
    'Commands:',
    commandList(list),
    '',
    '"alyx <command> --help" describes a command. Exit codes: 0 success, 1 error, 2 usage error.',
    'Configuration comes from the environment (PORT, HOST, DATABASE_URL, ALYX_DATA_DIR, ...) or alyx.config.json; see README.md.',
  ].join('\n');
}

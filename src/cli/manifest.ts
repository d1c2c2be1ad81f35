// The commands' declarations (name, description, options, positionals) apart from their code. The
// build writes them to dist/server/cli/commands.json (scripts/build-server.mjs), so the compiled
// `alyx --help`, `alyx <command> --help` and usage errors load no database or server module;
// a command's code is imported when it runs.
import fs from 'node:fs';
import type { Command, CommandDecl } from './args.ts';

export const MANIFEST_FILE = 'commands.json';

export function declarationsOf(list: CommandDecl[]): CommandDecl[] {
  return list.map(({ name, describe, options, positionals }) => ({ name, describe, options, positionals }));
}

function readManifest(): CommandDecl[] | null {
  try {
    return JSON.parse(fs.readFileSync(new URL(`./${MANIFEST_FILE}`, import.meta.url), 'utf8')) as CommandDecl[];
  } catch {
    return null; // running from the sources (tsx, tests): there is no manifest
  }
}

/** Every command: lazily from the build's manifest, or from the modules themselves. */
export async function loadCommands(): Promise<Command[]> {
  const manifest = readManifest();
  if (!manifest) return (await import('./index.ts')).commands;
  return manifest.map((decl) => ({
    ...decl,
    async run(args) {
      const { commands } = await import('./index.ts');
      const command = commands.find((c) => c.name === decl.name);
      if (!command) throw new Error(`command "${decl.name}" is in ${MANIFEST_FILE} but not in the build`);
      return command.run(args);
    },
  }));
}

// The commands' declarations (name, description, options, positionals) apart from their code. The
// build writes them to dist/server/cli/commands.json (scripts/build-server.mjs), so the compiled
// `alyx --help`, `alyx <command> --help` and usage errors load no database or server module;
// a command's code is imported when it runs.
import fs from 'node:fs';
import type { Command, CommandDecl } from './args.ts';

export const MANIFEST_FILE = 'commands.json';

/** Where a command's code is: its module beside this one, the export holding it (and its index in an exported list). */
export interface CommandSource {
  module: string;
  exportName: string;
  index?: number;
}

export type ManifestEntry = CommandDecl & { source?: CommandSource };

export function declarationsOf(list: CommandDecl[], sources?: Map<unknown, CommandSource>): ManifestEntry[] {
  return list.map((c) => {
    const { name, describe, options, positionals } = c;
    const source = sources?.get(c);
    return source ? { name, describe, options, positionals, source } : { name, describe, options, positionals };
  });
}

function readManifest(): ManifestEntry[] | null {
  try {
    return JSON.parse(fs.readFileSync(new URL(`./${MANIFEST_FILE}`, import.meta.url), 'utf8')) as ManifestEntry[];
  } catch {
    return null; // running from the sources (tsx, tests): there is no manifest
  }
}

/**
 * A command's code: from its own module when the manifest says which (`alyx serve` then loads the
 * server, not every command's dependencies first), else from the list of all commands.
 */
async function codeOf(entry: ManifestEntry): Promise<Command> {
  if (entry.source) {
    // a URL, not a template literal: esbuild would bundle every module a template could name
    const mod = (await import(new URL(entry.source.module, import.meta.url).href)) as Record<string, unknown>;
    const value = mod[entry.source.exportName];
    const found = (entry.source.index === undefined ? value : (value as unknown[] | undefined)?.[entry.source.index]) as Command | undefined;
    if (found?.name === entry.name) return found;
  }
  const { commands } = await import('./index.ts');
  const command = commands.find((c) => c.name === entry.name);
  if (!command) throw new Error(`command "${entry.name}" is in ${MANIFEST_FILE} but not in the build`);
  return command;
}

/** Every command: lazily from the build's manifest, or from the modules themselves. */
export async function loadCommands(): Promise<Command[]> {
  const manifest = readManifest();
  if (!manifest) return (await import('./index.ts')).commands;
  return manifest.map((entry) => {
    const { source: _, ...decl } = entry;
    return { ...decl, run: async (args) => (await codeOf(entry)).run(args) };
  });
}

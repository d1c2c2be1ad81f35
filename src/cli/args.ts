// The one argument parser of every `alyx` command. A command declares its options and positional
// arguments once (`CommandDecl`); the same declaration gives node's strict `parseArgs` its
// configuration, converts and checks the values, and writes the command's usage text.
//
// Exit codes: 0 success, 1 an error while running (missing file, unknown repository, locked data
// directory...), 2 a usage error (unknown command or option, missing or malformed value).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { AppCliCommand } from '../apps/app.ts';

/** An error the user can act on: printed as one line, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    public readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The command line does not match the declaration: exit code 2, the command's usage follows. */
export class UsageError extends CliError {
  constructor(
    message: string,
    /** the undeclared option, when that is the fault */
    public readonly unknownOption?: string,
  ) {
    super(message, 2);
  }
}

export interface OptionDecl {
  /** `integer`: a non-negative integer, given as a string on the command line */
  type: 'string' | 'boolean' | 'integer';
  short?: string;
  default?: string | number;
  /** the value must be one of these (string options) */
  choices?: readonly string[];
  required?: boolean;
  /** placeholder in the usage text: `--output FILE` */
  value?: string;
  describe: string;
}

export interface PositionalDecl {
  name: string;
  describe?: string;
  optional?: boolean;
  /** takes every remaining argument */
  variadic?: boolean;
  choices?: readonly string[];
}

export type OptionDecls = Record<string, OptionDecl>;

export interface CommandDecl<O extends OptionDecls = OptionDecls> {
  /** one or two words: `backup`, `user create` */
  name: string;
  describe: string;
  options?: O;
  positionals?: readonly PositionalDecl[];
}

type ValueOf<D extends OptionDecl> = D['type'] extends 'boolean' ? boolean : D['type'] extends 'integer' ? number : string;
export type OptionValues<O extends OptionDecls> = {
  [K in keyof O]: O[K] extends { type: 'boolean' } | { default: string | number } | { required: true } ? ValueOf<O[K]> : ValueOf<O[K]> | undefined;
};

export interface ParsedArgs<O extends OptionDecls = OptionDecls> {
  values: OptionValues<O>;
  positionals: string[];
  /** --help / -h was given: print the usage and do nothing else */
  help: boolean;
}

const HELP: OptionDecl = { type: 'boolean', short: 'h', describe: 'show this help' };

function withHelp(decl: CommandDecl): OptionDecls {
  return { ...decl.options, help: HELP };
}

/** node's parseArgs configuration: integers travel as strings and are checked afterwards. */
function nodeOptions(options: OptionDecls): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, o] of Object.entries(options)) {
    out[name] = { type: o.type === 'boolean' ? 'boolean' : 'string', ...(o.short ? { short: o.short } : {}) };
  }
  return out;
}

/** The strict parser failed: find the offending token again to say it in our words. */
function explain(e: unknown, argv: string[], options: OptionDecls): UsageError {
  const { tokens } = parseArgs({ args: argv, options: nodeOptions(options), strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const o = options[t.name];
    if (!o) return new UsageError(`unexpected argument ${t.rawName}`, t.rawName);
    if (o.type === 'boolean' && t.value !== undefined) return new UsageError(`${t.rawName} takes no value`);
    if (t.value === undefined) return new UsageError(`${t.rawName} needs a value`);
    if (!t.inlineValue && t.value.startsWith('-')) return new UsageError(`${t.rawName} needs a value (write ${t.rawName}=${t.value} for a value starting with "-")`);
  }
  return new UsageError((e as Error).message.split('\n')[0]);
}

function convert(name: string, o: OptionDecl, raw: string | boolean | undefined): string | number | boolean | undefined {
  if (o.type === 'boolean') return raw === true;
  if (raw === undefined) {
    if (o.required) throw new UsageError(`--${name} is required`);
    return o.default;
  }
  const v = String(raw);
  if (o.type === 'integer') {
    if (!/^\d+$/.test(v)) throw new UsageError(`--${name}: "${v}" is not a non-negative integer`);
    return Number(v);
  }
  if (o.choices && !o.choices.includes(v)) throw new UsageError(`--${name}: "${v}" is not one of ${o.choices.join(', ')}`);
  return v;
}

function checkPositionals(decls: readonly PositionalDecl[], given: string[]): void {
  const variadic = decls.some((p) => p.variadic);
  if (!variadic && given.length > decls.length) throw new UsageError(`unexpected argument ${given[decls.length]}`);
  decls.forEach((p, i) => {
    const v = given[i];
    if (v === undefined) {
      if (!p.optional) throw new UsageError(`missing ${p.name}`);
      return;
    }
    if (p.choices && !p.choices.includes(v)) throw new UsageError(`${p.name}: "${v}" is not one of ${p.choices.join(', ')}`);
  });
}

/** Parses `argv` (the words after the command name) strictly against the declaration. */
export function parseCommandArgs<O extends OptionDecls>(decl: CommandDecl<O>, argv: string[]): ParsedArgs<O> {
  const options = withHelp(decl);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: nodeOptions(options), strict: true, allowPositionals: true });
  } catch (e) {
    throw explain(e, argv, options);
  }
  const help = parsed.values.help === true;
  const values: Record<string, unknown> = {};
  if (!help) {
    for (const [name, o] of Object.entries(decl.options ?? {})) values[name] = convert(name, o, parsed.values[name] as string | boolean | undefined);
    checkPositionals(decl.positionals ?? [], parsed.positionals);
  }
  return { values: values as OptionValues<O>, positionals: parsed.positionals, help };
}

function positionalsText(decl: CommandDecl): string {
  return (decl.positionals ?? []).map((p) => `${p.optional ? '[' : ''}${p.name}${p.variadic ? '...' : ''}${p.optional ? ']' : ''}`).join(' ');
}

function optionValueText(o: OptionDecl): string {
  if (o.type === 'boolean') return '';
  return ` ${o.value ?? (o.choices ? o.choices.join('|') : o.type === 'integer' ? 'N' : 'VALUE')}`;
}

/** The one-line synopsis: `alyx import DUMP.json[.gz] [--replace] [--dry-run]`. */
export function synopsis(decl: CommandDecl): string {
  const opts = Object.entries(decl.options ?? {}).map(([name, o]) => {
    const text = `--${name}${optionValueText(o)}`;
    return o.required ? text : `[${text}]`;
  });
  return ['alyx', decl.name, positionalsText(decl), ...opts].filter(Boolean).join(' ');
}

/** The usage text `--help` prints, written from the declaration. */
export function usageOf(decl: CommandDecl): string {
  const rows: Array<[string, string]> = [];
  for (const p of decl.positionals ?? []) {
    const choices = p.choices ? ` (${p.choices.join(', ')})` : '';
    if (p.describe || choices) rows.push([p.name, `${p.describe ?? ''}${choices}`.trim()]);
  }
  for (const [name, o] of Object.entries(withHelp(decl))) {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${optionValueText(o)}`;
    const def = o.default !== undefined ? ` (default ${o.default})` : '';
    rows.push([flag, `${o.describe}${def}`]);
  }
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return [`usage: ${synopsis(decl)}`, '', decl.describe, '', ...rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`)].join('\n');
}

/** A command of the `alyx` binary: its declaration and what it does with the parsed arguments. */
export interface Command<O extends OptionDecls = OptionDecls> extends CommandDecl<O> {
  /** the exit code (undefined: 0) */
  run(args: ParsedArgs<O>): Promise<number | void>;
}

/** Identity, for inferring the option types of a command literal. */
export function command<O extends OptionDecls>(c: Command<O>): Command<O> {
  return c;
}

const stdoutLine = (line: string) => void process.stdout.write(line + '\n');

/** Builds an app's command from its declaration and action (`run` derived from both). */
export function appCommand<O extends OptionDecls>(c: Omit<AppCliCommand<O>, 'run'>): AppCliCommand<O> {
  return {
    ...c,
    async run(services, argv, out = stdoutLine) {
      try {
        const args = parseCommandArgs(c, argv);
        if (args.help) {
          out(usageOf(c));
          return 0;
        }
        return (await c.action(services, args, out)) ?? 0;
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        out(`error: ${e.message}`);
        return e.exitCode;
      }
    },
  };
}

/** A one-line progress bar on stderr (only when it is a terminal). */
export function progress(label: string, total: number) {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    tick(done: number) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const frac = total ? Math.min(1, done / total) : 1;
      const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '.');
      process.stderr.write(`\r${label} [${bar}] ${done}/${total}`);
    },
    done() {
      if (tty) process.stderr.write('\n');
    },
  };
}

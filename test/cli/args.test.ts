// The shared strict argument parser (src/cli/args.ts): one declaration gives parsing, checks and usage.
import { describe, expect, it } from 'vitest';
import { appCommand, parseCommandArgs, synopsis, usageOf, UsageError, type CommandDecl } from '../../src/cli/args.ts';
import type { Services } from '../../src/apps/app.ts';

const decl = {
  name: 'demo run',
  describe: 'a command for the tests',
  options: {
    output: { type: 'string', short: 'o', value: 'FILE', describe: 'where' },
    port: { type: 'integer', default: 8000, describe: 'a port' },
    limit: { type: 'integer', describe: 'how many' },
    mode: { type: 'string', choices: ['a', 'b'], describe: 'which' },
    'dry-run': { type: 'boolean', describe: 'pretend' },
  },
  positionals: [{ name: 'FILE', describe: 'input' }, { name: 'MORE', optional: true, variadic: true }],
} satisfies CommandDecl;

const parse = (...argv: string[]) => parseCommandArgs(decl, argv);
const refusal = (...argv: string[]) => {
  try {
    parse(...argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
};

describe('parseCommandArgs', () => {
  it('reads both spellings, short options, defaults, integers and positionals', () => {
    expect(parse('in.json', '--output', 'x', '--limit=3', '--dry-run', 'a', 'b')).toEqual({
      values: { output: 'x', port: 8000, limit: 3, mode: undefined, 'dry-run': true },
      positionals: ['in.json', 'a', 'b'],
      help: false,
    });
    expect(parse('-o', 'y', 'f', '--mode', 'b').values).toMatchObject({ output: 'y', mode: 'b', 'dry-run': false, limit: undefined });
    expect(parse('--', '--not-an-option').positionals).toEqual(['--not-an-option']);
  });

  it('refuses unknown options, missing and malformed values, and missing arguments', () => {
    expect(refusal('f', '--ouput', 'x')).toBe('unexpected argument --ouput');
    expect(refusal('f', '-x')).toBe('unexpected argument -x');
    expect(refusal('f', '--output')).toBe('--output needs a value');
    expect(refusal('f', '--limit', '-1')).toMatch(/^--limit needs a value/);
    expect(refusal('f', '--dry-run=yes')).toBe('--dry-run takes no value');
    expect(refusal('f', '--port', 'abc')).toBe('--port: "abc" is not a non-negative integer');
    expect(refusal('f', '--limit=-1')).toBe('--limit: "-1" is not a non-negative integer');
    expect(refusal('f', '--mode', 'c')).toBe('--mode: "c" is not one of a, b');
    expect(refusal()).toBe('missing FILE');
    expect(() => parseCommandArgs({ name: 'x', describe: '', positionals: [{ name: 'A' }] }, ['a', 'b'])).toThrow('unexpected argument b');
    expect(() => parseCommandArgs({ name: 'x', describe: '', options: { u: { type: 'string', required: true, describe: '' } } }, [])).toThrow('--u is required');
  });

  it('answers --help without checking the rest', () => {
    expect(parse('--help').help).toBe(true);
    expect(parse('-h', '--port', 'abc').help).toBe(true);
  });

  it('writes the usage from the same declaration', () => {
    expect(synopsis(decl)).toBe('alyx demo run FILE [MORE...] [--output FILE] [--port N] [--limit N] [--mode a|b] [--dry-run]');
    const usage = usageOf(decl);
    expect(usage).toContain('a command for the tests');
    expect(usage).toMatch(/-o, --output FILE +where/);
    expect(usage).toMatch(/--port N +a port \(default 8000\)/);
    expect(usage).toMatch(/-h, --help +show this help/);
  });
});

describe('appCommand', () => {
  const services = {} as Services;
  const cmd = appCommand({
    name: 'demo',
    describe: 'demo',
    options: { n: { type: 'integer', default: 1, describe: 'n' } },
    async action(_s, { values }, out) {
      out(`n=${values.n}`);
      return values.n > 5 ? 1 : 0;
    },
  });
  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    return { code: await cmd.run(services, argv, (l) => lines.push(l)), lines };
  };

  it('parses for the action, and turns usage errors into one line and exit code 2', async () => {
    expect(await run('--n', '3')).toEqual({ code: 0, lines: ['n=3'] });
    expect(await run('--n', '9')).toEqual({ code: 1, lines: ['n=9'] });
    expect(await run('--n', 'x')).toEqual({ code: 2, lines: ['error: --n: "x" is not a non-negative integer'] });
    expect(await run('extra')).toEqual({ code: 2, lines: ['error: unexpected argument extra'] });
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.lines[0]).toMatch(/^usage: alyx demo \[--n N\]/);
  });
});

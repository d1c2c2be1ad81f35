import readline from 'node:readline';
import { eq } from 'drizzle-orm';
import { users } from '../apps/misc/tables.ts';
import { hashPassword } from '../rest/auth.ts';
import { CliError, parseArgs, requireFlag } from './args.ts';
import { withServices } from './context.ts';
import type { Command } from './index.ts';

const USERNAME_RE = /^[\w.@+-]+$/u;

/** Reads a password from stdin without echo when it is a terminal, or one line from a pipe. */
async function readPassword(prompt: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) {
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    out._writeToOutput = (s: string) => {
      if (s.includes(prompt)) out.output.write(prompt);
    };
  }
  const answer = await new Promise<string>((resolve) => rl.question(prompt, resolve));
  rl.close();
  if (process.stdin.isTTY) process.stdout.write('\n');
  return answer;
}

export const userCreateCommand: Command = {
  name: 'user create',
  usage: '--username U [--password P] [--email E] [--superuser] [--staff] [--public]',
  describe: 'create a user (asks for the password when --password is not given)',
  async run(argv) {
    const args = parseArgs(argv, ['superuser', 'staff', 'public']);
    const username = requireFlag(args, 'username');
    if (!USERNAME_RE.test(username)) throw new CliError('username may contain only letters, numbers, and @/./+/-/_');
    const email = typeof args.flags.email === 'string' ? args.flags.email : '';
    const password = typeof args.flags.password === 'string' ? args.flags.password : await readPassword('Password: ');
    if (password.length < 8) throw new CliError('the password must have at least 8 characters');
    await withServices(async ({ db }) => {
      const existing = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
      if (existing.length) throw new CliError(`a user named ${username} already exists (use "alyx user password")`, 1);
      const superuser = args.flags.superuser === true;
      await db.insert(users).values({
        username,
        email,
        password: await hashPassword(password),
        is_superuser: superuser,
        is_staff: superuser || args.flags.staff === true,
        is_public_user: args.flags.public === true,
      });
      console.log(`created user ${username}${superuser ? ' (superuser)' : ''}`);
    });
  },
};

export const userPasswordCommand: Command = {
  name: 'user password',
  usage: 'USERNAME [--password P]',
  describe: "set a user's password (asks for it when --password is not given)",
  async run(argv) {
    const args = parseArgs(argv);
    const username = args.positionals[0] ?? (typeof args.flags.username === 'string' ? args.flags.username : undefined);
    if (!username) throw new CliError('give the username: alyx user password USERNAME');
    const password = typeof args.flags.password === 'string' ? args.flags.password : await readPassword('New password: ');
    if (password.length < 8) throw new CliError('the password must have at least 8 characters');
    await withServices(async ({ db }) => {
      const updated = await db
        .update(users)
        .set({ password: await hashPassword(password) })
        .where(eq(users.username, username))
        .returning({ id: users.id });
      if (!updated.length) throw new CliError(`no user named ${username}`, 1);
      console.log(`password of ${username} changed`);
    });
  },
};

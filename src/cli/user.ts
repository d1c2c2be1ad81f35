import readline from 'node:readline';
import { cliActor, created, recordAudit, updated } from '../apps/audit/record.ts';
import { eq } from 'drizzle-orm';
import { users } from '../apps/misc/tables.ts';
import { hashPassword, passwordProblem, revokeTokens } from '../rest/auth.ts';
import { loadConfig } from '../config.ts';
import { CliError, command, UsageError } from './args.ts';
import { withServices } from './context.ts';

const USERNAME_RE = /^[\w.@+-]+$/u;

/**
 * Reads a password from stdin without echo when it is a terminal, or one line from a pipe. A closed
 * stdin (no terminal, nothing piped) is an error rather than a silent hang or exit.
 */
async function readPassword(prompt: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) {
    const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    out._writeToOutput = (s: string) => {
      if (s.includes(prompt)) out.output.write(prompt);
    };
  }
  const answer = await new Promise<string>((resolve, reject) => {
    let answered = false;
    rl.question(prompt, (a) => {
      answered = true;
      resolve(a);
    });
    rl.once('close', () => {
      if (answered) return;
      process.stdout.write('\n'); // end the prompt's line
      reject(new CliError('no password given: standard input is closed (give --password, or run in a terminal)'));
    });
  });
  rl.close();
  if (process.stdin.isTTY) process.stdout.write('\n');
  return answer;
}

async function passwordOf(given: string | undefined, prompt: string): Promise<string> {
  const password = given ?? (await readPassword(prompt));
  // ALYX_PASSWORD_MIN_LENGTH (config passwordMinLength), as the API applies it
  const problem = passwordProblem(loadConfig(), password);
  if (problem) throw new UsageError(`${problem} (ALYX_PASSWORD_MIN_LENGTH)`);
  return password;
}

const PASSWORD = { type: 'string', value: 'P', describe: 'the password (asked for when not given)' } as const;

export const userCreateCommand = command({
  name: 'user create',
  describe: 'create a user (asks for the password when --password is not given)',
  options: {
    username: { type: 'string', value: 'U', required: true, describe: 'letters, numbers and @/./+/-/_' },
    password: PASSWORD,
    email: { type: 'string', value: 'E', default: '', describe: 'e-mail address' },
    superuser: { type: 'boolean', describe: 'all permissions (implies --staff)' },
    staff: { type: 'boolean', describe: 'may use the admin pages' },
    public: { type: 'boolean', describe: 'a public (read-only, anonymised) user' },
  },
  async run({ values }) {
    const { username, email, superuser } = values;
    if (!USERNAME_RE.test(username)) throw new UsageError('username may contain only letters, numbers, and @/./+/-/_');
    const password = await passwordOf(values.password, 'Password: ');
    await withServices(async ({ db }) => {
      const existing = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
      if (existing.length) throw new CliError(`a user named ${username} already exists (use "alyx user password")`);
      const hashed = await hashPassword(password);
      await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(users)
          .values({ username, email, password: hashed, is_superuser: superuser, is_staff: superuser || values.staff, is_public_user: values.public })
          .returning();
        await recordAudit(tx, cliActor(), [created(users, row)]);
      });
      console.log(`created user ${username}${superuser ? ' (superuser)' : ''}`);
    });
  },
});

export const userPasswordCommand = command({
  name: 'user password',
  describe: "set a user's password (asks for it when --password is not given)",
  options: { password: PASSWORD },
  positionals: [{ name: 'USERNAME' }],
  async run({ values, positionals: [username] }) {
    const password = await passwordOf(values.password, 'New password: ');
    await withServices(async ({ db }) => {
      const hashed = await hashPassword(password);
      const done = await db.transaction(async (tx) => {
        const rows = await tx.update(users).set({ password: hashed }).where(eq(users.username, username)).returning();
        if (rows.length) await recordAudit(tx, cliActor(), [updated(users, { ...rows[0], password: '' }, rows[0])]);
        return rows.length;
      });
      if (!done) throw new CliError(`no user named ${username}`);
      console.log(`password of ${username} changed`);
    });
  },
});

export const userTokensCommand = command({
  name: 'user tokens',
  describe: "revoke API tokens: a user's (`revoke USERNAME`) or everyone's (`revoke --all`); the next login gets a new one",
  options: {
    all: { type: 'boolean', describe: "revoke every user's token" },
  },
  positionals: [
    { name: 'ACTION', choices: ['revoke'], describe: 'what to do with the tokens' },
    { name: 'USERNAME', optional: true, describe: 'whose token (not with --all)' },
  ],
  async run({ values, positionals: [, username] }) {
    if (values.all === Boolean(username)) throw new UsageError('give a USERNAME or --all (not both)');
    await withServices(async ({ db }) => {
      let ids: string[] | null = null;
      if (username) {
        const [user] = await db.select({ id: users.id }).from(users).where(eq(users.username, username));
        if (!user) throw new CliError(`no user named ${username}`);
        ids = [user.id];
      }
      const n = await revokeTokens(db, ids);
      console.log(`revoked ${n} token${n === 1 ? '' : 's'}${username ? ` of ${username}` : ''}`);
    });
  },
});

// Tokens in backups (no usable token without --with-secrets; backup → restore → the old token still
// authenticates with it) and the account commands: `alyx user tokens revoke`, the password minimum.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, inject, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { openServices } from '../../src/db/setup.ts';
import { authTokens, users } from '../../src/apps/misc/tables.ts';
import { tokenFor, userByToken } from '../../src/rest/auth.ts';
import { createBackup, restoreBackup } from '../../src/ops/archive.ts';
import { main } from '../../src/main.ts';
import type { Config } from '../../src/config.ts';
import { TEST_DIR, testConfig, withDb } from '../templates.ts';

const usePg = process.env.ALYX_TEST_DB === 'pg';
const work = path.join(TEST_DIR, `accounts-cli-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** An embedded database in its own data directory (its own token key). */
async function makeSite(name: string): Promise<Config> {
  const dataDir = path.join(work, name);
  fs.mkdirSync(dataDir, { recursive: true });
  const config = testConfig({ databaseUrl: null, dataDir, mediaDir: path.join(dataDir, 'media'), backup: { dir: path.join(dataDir, 'backups'), intervalHours: 0, keep: { daily: 7, weekly: 4, monthly: 12 } } });
  // (the PostgreSQL project has no PGlite template: the embedded database is migrated instead)
  const services = usePg
    ? await openServices(config)
    : await openServices(config, { migrate: false, loadDataDir: new Blob([fs.readFileSync(inject('pgliteTemplate'))]) });
  await services.handle.close();
  return config;
}


if (!usePg) {
  describe('tokens in backup archives', () => {
    let source: Config;
    let token: string;
    let plainArchive: string;
    let secretArchive: string;
    beforeAll(async () => {
      source = await makeSite('source');
      await withDb(source, async (s) => {
        const [u] = await s.db.insert(users).values({ username: 'token_owner' }).returning({ id: users.id });
        token = await tokenFor(s, u.id);
        plainArchive = (await createBackup(s, { out: path.join(work, 'plain.tar.gz') })).file;
        secretArchive = (await createBackup(s, { out: path.join(work, 'secret.tar.gz'), withSecrets: true })).file;
      });
    });

    it('holds no usable token without --with-secrets', async () => {
      const dir = path.join(work, 'plain-x');
      fs.mkdirSync(dir);
      await tar.x({ file: plainArchive, cwd: dir });
      expect(fs.existsSync(path.join(dir, 'secret'))).toBe(false);
      const text = fs.readdirSync(path.join(dir, 'database')).map((f) => fs.readFileSync(path.join(dir, 'database', f), 'utf8')).join('\n');
      expect(text).toContain('v1:'); // the sealed token is there
      expect(text).not.toContain(token);
      // restored elsewhere (another key), the sealed token opens nothing
      const elsewhere = await makeSite('elsewhere');
      await restoreBackup(elsewhere, plainArchive);
      await withDb(elsewhere, async (s) => expect(await userByToken(s, token)).toBeNull());
    });

    it('restores the key with --with-secrets: the old token still authenticates', async () => {
      const target = await makeSite('target');
      const report = await restoreBackup(target, secretArchive);
      expect(report.manifest.secretKey).toBe(true);
      expect(fs.readFileSync(path.join(target.dataDir, 'secret.key'), 'utf8')).toBe(fs.readFileSync(path.join(source.dataDir, 'secret.key'), 'utf8'));
      expect(fs.statSync(path.join(target.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
      await withDb(target, async (s) => expect((await userByToken(s, token))?.username).toBe('token_owner'));
    });
  });
}

describe('alyx user commands', () => {
  let out: string[];
  let err: string[];
  const env = { ...process.env };
  let site: Config;
  beforeAll(async () => {
    site = await makeSite('cli');
  });
  beforeEach(() => {
    out = [];
    err = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    process.env.ALYX_DATA_DIR = site.dataDir;
    process.env.ALYX_TIME_ZONE = 'Europe/London';
    process.env.ALYX_LOG = 'off';
    delete process.env.DATABASE_URL;
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.env = { ...env };
    process.exitCode = 0;
  });
  const alyx = async (...argv: string[]) => {
    out.length = 0;
    err.length = 0;
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('refuses a password under ALYX_PASSWORD_MIN_LENGTH with a clear message', async () => {
    const short = await alyx('user', 'create', '--username', 'shorty', '--password', 'abc1234');
    expect(short.code).toBe(2);
    expect(short.err).toContain('This password is too short. It must contain at least 8 characters.');
    process.env.ALYX_PASSWORD_MIN_LENGTH = '12';
    const still = await alyx('user', 'create', '--username', 'shorty', '--password', 'abcd1234efg');
    expect([still.code, still.err.includes('at least 12 characters')]).toEqual([2, true]);
    expect((await alyx('user', 'create', '--username', 'shorty', '--password', 'abcd1234efgh')).code).toBe(0);
    expect((await alyx('user', 'password', 'shorty', '--password', 'tooshort')).code).toBe(2);
  });

  it('revokes one user\'s token, or everyone\'s with --all', async () => {
    const tokens = await withDb(site, async (s) => {
      const made: Record<string, string> = {};
      for (const username of ['rev_a', 'rev_b', 'rev_c']) {
        const [u] = await s.db.insert(users).values({ username }).returning({ id: users.id });
        made[username] = await tokenFor(s, u.id);
      }
      return made;
    });
    const one = await alyx('user', 'tokens', 'revoke', 'rev_a');
    expect([one.code, one.out]).toEqual([0, 'revoked 1 token of rev_a']);
    await withDb(site, async (s) => {
      expect(await userByToken(s, tokens.rev_a)).toBeNull();
      expect((await userByToken(s, tokens.rev_b))?.username).toBe('rev_b');
    });
    expect((await alyx('user', 'tokens', 'revoke', 'nobody_here')).code).toBe(1);
    expect((await alyx('user', 'tokens', 'revoke')).code).toBe(2);
    expect((await alyx('user', 'tokens', 'revoke', 'rev_b', '--all')).code).toBe(2);
    expect((await alyx('user', 'tokens', 'burn', 'rev_b')).code).toBe(2);
    const all = await alyx('user', 'tokens', 'revoke', '--all');
    expect([all.code, all.out]).toEqual([0, 'revoked 2 tokens']);
    await withDb(site, async (s) => expect(await s.db.select().from(authTokens).where(eq(authTokens.key, tokens.rev_c))).toEqual([]));
    await withDb(site, async (s) => expect(await userByToken(s, tokens.rev_c)).toBeNull());
  });
});

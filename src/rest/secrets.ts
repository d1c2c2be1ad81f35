// Credentials at rest: nothing in the database (or a dump or backup of it) is a usable credential.
// - API tokens: the `authtoken_token.key` column holds a keyed digest (HMAC-SHA256, 40 hex) for the
//   lookup, `encrypted` holds the token sealed with AES-256-GCM, so that POST /auth-token keeps
//   returning the same token as upstream does (ONE relies on it).
// - Web sessions: `alyx_websession.key` holds the SHA-256 of the cookie value (base64url, 43 chars;
//   the legacy plain keys were 64 hex characters and are dropped at start-up).
// The key lives outside the database: `secretKey` in the config / ALYX_SECRET_KEY (every server on
// one PostgreSQL database must share it), else `<dataDir>/secret.key`, created 0600 on first use.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';

export const SECRET_KEY_FILE = 'secret.key';

export interface Keyring {
  /** the lookup digest of a token (what `authtoken_token.key` holds) */
  digest(token: string): string;
  /** the token sealed for storage (`authtoken_token.encrypted`) */
  seal(token: string): string;
  /** the token back from its sealed form; null when it was sealed with another key or altered */
  open(sealed: string): string | null;
}

/** The stored form of a web-session cookie value. */
export function sessionDigest(cookieValue: string): string {
  return crypto.createHash('sha256').update(cookieValue).digest('base64url');
}

/** Where the key file of a data directory is. */
export function secretKeyFile(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, SECRET_KEY_FILE);
}

/** The key file's content, created (0600, exclusively: concurrent first uses agree) when missing. */
function readOrCreateKeyFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  let text = fs.readFileSync(file, 'utf8').trim();
  // another process may have created it an instant ago and not written it yet
  for (let i = 0; !text && i < 50; i++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    text = fs.readFileSync(file, 'utf8').trim();
  }
  if (!text) throw new Error(`${file} is empty: delete it (tokens made with the lost key stop working) or restore it`);
  return text;
}

function makeKeyring(material: string): Keyring {
  const derive = (info: string) => Buffer.from(crypto.hkdfSync('sha256', material, 'alyx-local', info, 32));
  const macKey = derive('token lookup');
  const encKey = derive('token encryption');
  return {
    digest: (token) => crypto.createHmac('sha256', macKey).update(token).digest('hex').slice(0, 40),
    seal(token) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
    },
    open(sealed) {
      if (!sealed.startsWith('v1:')) return null;
      const raw = Buffer.from(sealed.slice(3), 'base64');
      if (raw.length < 29) return null;
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}

const keyrings = new Map<string, Keyring>();

/** The keyring of a configuration (the configured key, else the data directory's key file). */
export function keyringOf(config: Pick<Config, 'dataDir' | 'secretKey'>): Keyring {
  const id = config.secretKey !== null && config.secretKey !== undefined ? `k:${config.secretKey}` : `f:${secretKeyFile(config)}`;
  let ring = keyrings.get(id);
  if (!ring) {
    ring = makeKeyring(config.secretKey ?? readOrCreateKeyFile(secretKeyFile(config)));
    keyrings.set(id, ring);
  }
  return ring;
}

/** Forgets the cached keys (a restore may have replaced the key file). */
export function forgetKeyrings(): void {
  keyrings.clear();
}

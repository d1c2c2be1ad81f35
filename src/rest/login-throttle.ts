// Password guessing: every password check (POST /auth-token, POST /auth/login, HTTP Basic on the
// repository file URLs) is counted per account and per client address. After `loginMaxFailures`
// failures for an account (4 times as many for an address, which a lab may share behind one NAT),
// further checks are refused for 2, 4, 8, ... seconds (at most 15 minutes) with DRF's 429, BEFORE the
// password is hashed, so that a guess costs nothing. A success clears its account's count; an
// address's failures are forgotten an hour after the last one. In memory, per server process: on
// several processes an attacker gets (processes × limit) guesses per back-off step.
import { ApiError } from './errors.ts';

export const MAX_BACKOFF_SECONDS = 15 * 60;
const FORGET_MS = 60 * 60_000;
export const ADDRESS_FACTOR = 4;

/** A DRF-shaped 429 that carries its Retry-After header (the server's error handler sends it). */
export class ThrottledError extends ApiError {
  readonly headers: Record<string, string>;
  constructor(public readonly waitSeconds: number) {
    super(429, { detail: `Request was throttled. Expected available in ${waitSeconds} seconds.` });
    this.headers = { 'retry-after': String(waitSeconds) };
  }
}

interface Entry {
  failures: number;
  /** ms epoch before which checks are refused */
  until: number;
  last: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  constructor(
    private readonly maxFailures: number,
    private readonly now: () => number = Date.now,
  ) {}

  private keys(username: string, address: string) {
    return [
      { key: `u:${username}`, limit: this.maxFailures },
      { key: `ip:${address}`, limit: this.maxFailures * ADDRESS_FACTOR },
    ];
  }

  /** Throws a ThrottledError while the account or the address is backing off. */
  check(username: string, address: string): void {
    const now = this.now();
    let wait = 0;
    for (const { key } of this.keys(username, address)) {
      const e = this.entries.get(key);
      if (e && e.until > now) wait = Math.max(wait, Math.ceil((e.until - now) / 1000));
    }
    if (wait > 0) throw new ThrottledError(wait);
  }

  failed(username: string, address: string): void {
    const now = this.now();
    if (this.entries.size > 50_000) for (const [k, e] of this.entries) if (now - e.last > FORGET_MS) this.entries.delete(k);
    for (const { key, limit } of this.keys(username, address)) {
      let e = this.entries.get(key);
      if (!e || now - e.last > FORGET_MS) e = { failures: 0, until: 0, last: now };
      e.failures++;
      e.last = now;
      if (e.failures >= limit) e.until = now + Math.min(2 ** (e.failures - limit + 1), MAX_BACKOFF_SECONDS) * 1000;
      this.entries.set(key, e);
    }
  }

  succeeded(username: string): void {
    this.entries.delete(`u:${username}`);
  }
}

const throttles = new WeakMap<object, LoginThrottle>();

/** The throttle of one server's services (one per process and database). */
export function loginThrottleOf(services: { config: { loginMaxFailures: number } }): LoginThrottle {
  let t = throttles.get(services);
  if (!t) {
    t = new LoginThrottle(services.config.loginMaxFailures);
    throttles.set(services, t);
  }
  return t;
}

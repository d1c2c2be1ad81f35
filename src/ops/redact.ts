// Secrets in alyx.config.json: redacted in backups unless --with-secrets, and put back from the
// current file when a redacted config is restored.
export const REDACTED = '<redacted>';

const SECRET_KEY = /pass(word)?|secret|token|api_?key|private_?key/i;

type Json = unknown;

/** A copy with secret values replaced (keys named like a secret, and passwords inside URLs). */
export function redactConfig(value: Json, key = ''): Json {
  if (Array.isArray(value)) return value.map((v) => redactConfig(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, Json>).map(([k, v]) => [k, redactConfig(v, k)]));
  }
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key) && value !== '') return REDACTED;
    return redactUrl(value);
  }
  return value;
}

/** `postgres://user:pw@host/db` -> `postgres://user:<redacted>@host/db`. */
function redactUrl(value: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):([^@\s]+)@/i.exec(value);
  return m ? `${m[1]}:${REDACTED}@${value.slice(m[0].length)}` : value;
}

/** Whether anything in the (redacted) value was redacted. */
export function hasRedactions(value: Json): boolean {
  return JSON.stringify(value).includes(REDACTED);
}

/**
 * The restored config with each redacted value taken from the current config at the same place
 * (a redacted value with nothing to take is dropped, so the default or environment applies).
 */
export function unredactConfig(restored: Json, current: Json): Json {
  if (Array.isArray(restored)) return restored.map((v, i) => unredactConfig(v, Array.isArray(current) ? current[i] : undefined));
  if (restored && typeof restored === 'object') {
    const cur = (current && typeof current === 'object' ? current : {}) as Record<string, Json>;
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(restored as Record<string, Json>)) {
      const merged = unredactConfig(v, cur[k]);
      if (merged !== undefined) out[k] = merged;
    }
    return out;
  }
  if (typeof restored === 'string' && restored.includes(REDACTED)) {
    if (restored === REDACTED) return typeof current === 'string' ? current : undefined;
    // a URL with its password redacted: take the current URL's password when the rest matches
    return typeof current === 'string' && redactUrl(current) === restored ? current : undefined;
  }
  return restored;
}

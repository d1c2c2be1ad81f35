// Pure helpers for ALF paths and file names, dataset-type matching. No database
// access here: registration, the datasets resource and the cache tables build on these.

/** `\w` as Python 3 understands it in a str pattern (Unicode letters, digits, underscore). */
const W = '[\\p{L}\\p{N}_]';

// ---------------------------------------------------------------------------------------------
// ALF file names

export interface AlfFileName {
  namespace: string | null;
  object: string;
  attribute: string;
  timescale: string | null;
  extra: string | null;
  extension: string;
}

const ALF_FILE = new RegExp(
  `^_?(?<namespace>(?<=_)[a-zA-Z0-9]+)?_?(?<object>${W}+)\\.(?<attribute>(?:_[a-z]+_)?[a-zA-Z0-9]+` +
    `(?:_times(?=[_.])|_intervals(?=[_.]))?)(?:_(?<timescale>${W}+))?(?:\\.(?<extra>[.${W.slice(1, -1)}-]+))*\\.(?<extension>${W}+)$`,
  'u',
);

/** Parses an ALF file name (`_ns_obj.attr_clock.extra.ext`), or null when it is not one. */
export function parseAlfFileName(fn: string): AlfFileName | null {
  const m = ALF_FILE.exec(fn);
  if (!m?.groups) return null;
  const g = m.groups;
  return {
    namespace: g.namespace ?? null,
    object: g.object,
    attribute: g.attribute,
    timescale: g.timescale ?? null,
    extra: g.extra ?? null,
    extension: g.extension,
  };
}

/** The last extension with its dot (`a.b.npy` → `.npy`), or '' when the name has none. */
export function lastExtension(fn: string): string {
  const base = fn.slice(fn.lastIndexOf('/') + 1);
  const i = base.lastIndexOf('.');
  return i <= 0 ? '' : base.slice(i);
}

// ---------------------------------------------------------------------------------------------
// Dataset types

/** A shell glob (fnmatch: `*`, `?`, `[seq]`, `[!seq]`) as a whole-string regex. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      body = body.replace(/[\\\]^]/g, (x) => '\\' + x);
      re += `[${negate ? '^' : ''}${body}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

export interface DatasetTypeLike {
  name: string;
  filename_pattern: string | null;
}

/** The `obj.attr` (or name without the last extension) an empty-pattern type's name must equal. */
export function typeKeyOfFileName(fn: string): string {
  const alf = parseAlfFileName(fn);
  if (alf) return `${alf.object}.${alf.attribute}`;
  const i = fn.lastIndexOf('.');
  return i <= 0 ? fn : fn.slice(0, i);
}

export type TypeMatch<T> = { ok: true; type: T } | { ok: false; error: string };

/**
 * The dataset type of a file name: types with a pattern match it by case-folded glob, types
 * without one by `obj.attr`. Exactly one must match.
 */
export function matchDatasetType<T extends DatasetTypeLike>(fn: string, types: Iterable<T>, compiled?: Map<string, RegExp>): TypeMatch<T> {
  const folded = fn.toLowerCase();
  const key = typeKeyOfFileName(fn);
  const found: T[] = [];
  for (const t of types) {
    const pattern = (t.filename_pattern ?? '').trim();
    if (pattern === '') {
      if (t.name === key) found.push(t);
      continue;
    }
    let re = compiled?.get(pattern);
    if (!re) {
      re = globToRegExp(pattern.toLowerCase());
      compiled?.set(pattern, re);
    }
    if (re.test(folded)) found.push(t);
  }
  if (found.length === 1) return { ok: true, type: found[0] };
  if (found.length === 0) return { ok: false, error: `No dataset type found for filename "${fn}"` };
  return {
    ok: false,
    error: `Multiple matching dataset types found for filename "${fn}": \n${found.map((t) => `<DatasetType ${t.name}>`).join(', ')}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Paths

/** register-file's path normalisation: `\` → `/`, `//` → `/` (one pass), no leading/trailing `/`. */
export function normalizePath(p: string): string {
  return p.replace(/\\/g, '/').replace(/\/\//g, '/').replace(/^\/+|\/+$/g, '');
}

const SESSION_PATH = new RegExp(`^(?<subject>[${W.slice(1, -1)}.-]+)/(?<date>\\d{4}-\\d{2}-\\d{2})/(?<number>\\d{1,3})`, 'u');

export interface SessionPath {
  subject: string;
  date: string;
  number: string;
}

/** `subject/YYYY-MM-DD/NNN...` at the start of a normalised path, or null. */
export function parseSessionPath(p: string): SessionPath | null {
  const m = SESSION_PATH.exec(p);
  if (!m?.groups) return null;
  return { subject: m.groups.subject, date: m.groups.date, number: m.groups.number };
}

const ALF_FOLDER = new RegExp(
  `((?<lab>${W}+)/Subjects/)?(?<subject>[${W.slice(1, -1)}.-]+)/(?<date>\\d{4}-\\d{2}-\\d{2})/(?<number>\\d{1,3})/` +
    `((?<collection>[${W.slice(1, -1)}./-]+)/)?(#(?<revision>[${W.slice(1, -1)}.-]+)#/)?`,
  'u',
);
const AGGREGATE_FOLDER = new RegExp(`^((?<collection>[${W.slice(1, -1)}./-]+)/)?(#(?<revision>[${W.slice(1, -1)}.-]+)#/)?`, 'u');

export const INVALID_ALF_PATH =
  'Invalid ALF path. Only letters, numbers, hyphen and underscores allowed. A revision folder must be surrounded by pound signs (#).';
export const NESTED_REVISION =
  'Invalid ALF path. There must be only 1 revision and it cannot containsub folders. A revision folder must be surrounded by pound signs (#).';

export interface ParsedFile {
  /** the file name as given (relative to `path`), for error details */
  given: string;
  filename: string;
  collection: string;
  revision: string;
  /** `subject/date/number` (number as written), '' for aggregates */
  relDir: string;
  lab: string | null;
}

export type ParseResult = { ok: true; file: ParsedFile } | { ok: false; error: string };

function splitDir(full: string): { dir: string; filename: string } {
  const i = full.lastIndexOf('/');
  return i === -1 ? { dir: '', filename: full } : { dir: full.slice(0, i), filename: full.slice(i + 1) };
}

/**
 * Parses `<path>/<filename>` of a session file. Unlike upstream, characters a collection may not
 * contain are refused instead of silently truncating the collection.
 */
export function parseSessionFile(path: string, given: string): ParseResult {
  const full = normalizePath(`${path}/${normalizePath(given)}`);
  const { dir, filename } = splitDir(full);
  const m = ALF_FOLDER.exec(dir + '/');
  if (!m?.groups) return { ok: false, error: INVALID_ALF_PATH };
  const g = m.groups;
  const rest = (dir + '/').slice(m.index + m[0].length);
  if (rest !== '') return { ok: false, error: g.revision || rest.includes('#') ? NESTED_REVISION : INVALID_ALF_PATH };
  const collection = (g.collection ?? '').replace(/\/+$/, '');
  if (collection.includes('#')) return { ok: false, error: NESTED_REVISION };
  return {
    ok: true,
    file: {
      given,
      filename,
      collection,
      revision: g.revision ?? '',
      relDir: `${g.subject}/${g.date}/${g.number}`,
      lab: g.lab ?? null,
    },
  };
}

/** Parses `<path>/<filename>` of an aggregate (non-session) file: `collection.../[#rev#/]name`. */
export function parseAggregateFile(path: string, given: string): ParseResult {
  const full = normalizePath(`${path}/${normalizePath(given)}`);
  const { dir, filename } = splitDir(full);
  const m = AGGREGATE_FOLDER.exec(dir === '' ? '' : dir + '/');
  const g = m?.groups ?? {};
  const collection = g.collection ? g.collection.replace(/\/+$/, '') : '';
  const revision = g.revision ?? '';
  const parts = dir === '' ? 0 : dir.split('/').length;
  const expected = (collection ? collection.split('/').length : 0) + (revision ? 1 : 0);
  if (!m || parts !== expected || collection.includes('#')) return { ok: false, error: INVALID_ALF_PATH };
  return { ok: true, file: { given, filename, collection, revision, relDir: '', lab: null } };
}

/** `[relDir/][collection/][#revision#/]filename` */
export function relativePathOf(f: { relDir: string; collection: string; revision: string; filename: string }): string {
  return [f.relDir, f.collection, f.revision ? `#${f.revision}#` : '', f.filename].filter((p) => p !== '').join('/');
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Inserts the dataset UUID before the last extension (`a.b.npy` → `a.b.<uuid>.npy`), replacing one already there. */
export function addUuidToPath(relPath: string, uuid: string): string {
  const slash = relPath.lastIndexOf('/');
  const dir = relPath.slice(0, slash + 1);
  const base = relPath.slice(slash + 1);
  const dot = base.lastIndexOf('.');
  const stem = dot <= 0 ? base : base.slice(0, dot);
  const suffix = dot <= 0 ? '' : base.slice(dot);
  const parts = stem.split('.');
  if (UUID_RE.test(parts[parts.length - 1])) parts.pop();
  return `${dir}${[...parts, uuid].join('.')}${suffix}`;
}

/** Removes a dataset UUID inserted by addUuidToPath, if any. */
export function removeUuidFromPath(relPath: string): { path: string; uuid: string | null } {
  const m = /^(.*)\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(\.[^./]+)?$/i.exec(relPath);
  if (!m) return { path: relPath, uuid: null };
  return { path: m[1] + (m[3] ?? ''), uuid: m[2].toLowerCase() };
}

// ---------------------------------------------------------------------------------------------
// Register-file input values

/** A "list-ish" value: JSON list, comma-separated string, single value; undefined/null → null. */
export function listish(raw: unknown): unknown[] | null {
  if (raw === undefined || raw === null) return null;
  if (Array.isArray(raw)) return raw;
  if (typeof raw === 'string') return raw.split(',');
  return [raw];
}

/** Upstream's "string-bool": JSON booleans as they are, strings true only when exactly `True`. */
export function stringBool(raw: unknown, def: boolean): boolean {
  if (raw === undefined || raw === null) return def;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') return raw === 'True';
  if (typeof raw === 'number') return raw !== 0;
  return def;
}

// The repository scanner: walks each configured repository directory (walker.ts) and registers
// the files that have no file record on that repository through the register-file write
// (registration.ts writeRegistration: same dataset identity, revision, default and protection
// rules), one transaction per session. What it cannot place becomes an ingest issue (issues.ts).
// Reads per session happen before its transaction, and hashing (hasher.ts, a worker thread) too, so
// a transaction holds the database only for its writes. The share is only ever read.
import { created, recordAudit, type AuditActor } from '../../audit/record.ts';
import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Services } from '../../app.ts';
import type { Queryable, Tx } from '../../../db/client.ts';
import { ApiError } from '../../../rest/errors.ts';
import { escapeLike } from '../../../rest/filters.ts';
import { nowInZone } from '../../../rest/values.ts';
import { users } from '../../misc/tables.ts';
import { subjects } from '../../subjects/tables.ts';
import { sessions, sessionUsers } from '../../actions/tables.ts';
import { lastExtension, matchDatasetType, parseAlfFileName, parseSessionFile, relativePathOf, typeKeyOfFileName, type ParsedFile } from '../alf.ts';
import { protectedFlag } from '../dataset-rows.ts';
import { linkSession, lookupSession, type FoundSession } from '../session-lookup.ts';
import { DATASET_IDENTITY_COLUMNS, fileProblem, identity, writeRegistration, type FileKinds, type RegistrationInput } from '../registration.ts';
import { dataFormats, dataRepositories, datasetTypes, datasets, fileRecords, revisions, scanStates } from '../tables.ts';
import { Hasher } from './hasher.ts';
import { closestTypes, forgetIssuesUnder, replaceIssues, replaceIssuesOf } from './issues.ts';
import { scanSettings, ScanError, type ScanSettings } from './settings.ts';
import { missingRootMessage, Walker, type DirState, type DirUnit, type FoundFile, type IssueDraft, type SessionUnit, type WalkStats } from './walker.ts';

export { ScanError };

export interface ScanOptions {
  /** only this repository (it must have a directory in the config) */
  repository?: string;
  /** do everything in transactions that are rolled back: counts only */
  dryRun?: boolean;
  /** re-read directories modified at or after this date (YYYY-MM-DD or ISO datetime), whatever the remembered state */
  since?: string | null;
  /** rebuild the ONE cache tables when something changed (default true) */
  rebuildCache?: boolean;
  onProgress?: (p: { repository: string; sessions: number; files: number }) => void;
  /** how the audit trail names the scan's channel: `cli` for `alyx files scan`, else `system` (scheduled) */
  channel?: 'cli' | 'system';
}

export interface ScanSummary {
  repositories: string[];
  sessionsRead: number;
  sessionsUnchanged: number;
  sessionsCreated: number;
  filesSeen: number;
  filesRegistered: number;
  /** records added to protected datasets whose content is the same */
  recordsAdded: number;
  /** records whose file came back / disappeared */
  existsSetTrue: number;
  existsSetFalse: number;
  issues: Record<string, number>;
  directoriesListed: number;
  symlinksSkipped: number;
  changed: boolean;
  cacheRebuilt: boolean;
  seconds: number;
}

/** Reasons whose cure is a change on the share (which changes a directory's mtime anyway). */
const FS_FIXED = new Set(['bad_alf_path', 'symlink_outside']);

class Rollback extends Error {}

/** One scan at a time in this process (the CLI and the scheduled job share the database). */
let running: Promise<unknown> | null = null;

export async function scanRepositories(services: Services, opts: ScanOptions = {}): Promise<ScanSummary> {
  if (running) throw new ScanError('a scan is already running');
  const p = doScan(services, opts);
  running = p;
  try {
    return await p;
  } finally {
    running = null;
  }
}

function parseSince(since: string | null | undefined): number | null {
  if (!since) return null;
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00` : since);
  if (Number.isNaN(ms)) throw new ScanError(`--since: "${since}" is not a date (YYYY-MM-DD) or datetime`);
  return ms;
}

async function doScan(services: Services, opts: ScanOptions): Promise<ScanSummary> {
  const started = Date.now();
  const config = services.config;
  let names = Object.keys(config.repositoryDirs).sort();
  if (opts.repository) {
    if (!names.includes(opts.repository)) scanSettings(config, opts.repository); // throws the message
    names = [opts.repository];
  }
  const sinceMs = parseSince(opts.since);
  const settings = names.map((n) => scanSettings(config, n));
  const summary: ScanSummary = {
    repositories: [],
    sessionsRead: 0,
    sessionsUnchanged: 0,
    sessionsCreated: 0,
    filesSeen: 0,
    filesRegistered: 0,
    recordsAdded: 0,
    existsSetTrue: 0,
    existsSetFalse: 0,
    issues: {},
    directoriesListed: 0,
    symlinksSkipped: 0,
    changed: false,
    cacheRebuilt: false,
    seconds: 0,
  };
  for (const s of settings) {
    const scan = await RepositoryScan.open(services, s, summary, opts, sinceMs);
    try {
      await scan.run();
    } finally {
      await scan.close();
    }
  }
  if (summary.changed && !opts.dryRun && opts.rebuildCache !== false) {
    // imported here: routes.ts registers the scanner's routes
    const { buildCache } = await import('../routes.ts');
    await buildCache(services);
    summary.cacheRebuilt = true;
  }
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

interface ExistingDataset {
  id: string;
  collection: string;
  name: string;
  dataset_type: string;
  data_format: string;
  revision: string | null;
  file_size: number | null;
  hash: string;
  protected: boolean;
}

const MD5_RE = /^[0-9a-f]{32}$/;

class RepositoryScan {
  private hasher: Hasher | null;
  private typeCache = new Map<string, ReturnType<typeof matchDatasetType<{ id: string; name: string; filename_pattern: string | null }>>>();
  private compiled = new Map<string, RegExp>();
  private pendingDirs: DirUnit[] = [];

  private constructor(
    private services: Services,
    private s: ScanSettings,
    private summary: ScanSummary,
    private opts: ScanOptions,
    private sinceMs: number | null,
    private repo: { id: string; name: string },
    private user: { id: string; username: string },
    private subjectsByNick: Map<string, { id: string; lab: string | null }>,
    private types: Array<{ id: string; name: string; filename_pattern: string | null }>,
    private formats: Array<{ id: string; ext: string }>,
    private states: Map<string, DirState>,
  ) {
    this.hasher = s.hash && !opts.dryRun ? new Hasher(s.hashBytesPerSecond) : null;
  }

  /** Who the audit trail says registered the files: the scan user, on the CLI or the scheduler. */
  private actor(): AuditActor {
    return { userId: this.user.id, username: this.user.username, channel: this.opts.channel ?? 'system', client: '' };
  }

  static async open(services: Services, s: ScanSettings, summary: ScanSummary, opts: ScanOptions, sinceMs: number | null): Promise<RepositoryScan> {
    const db = services.db;
    const [repo] = await db.select({ id: dataRepositories.id, name: dataRepositories.name }).from(dataRepositories).where(eq(dataRepositories.name, s.name));
    if (!repo) throw new ScanError(`repository ${s.name} is in the configuration but not in the database (create it: POST /data-repository)`);
    const [user] = s.user
      ? await db.select({ id: users.id, username: users.username }).from(users).where(eq(users.username, s.user))
      : await db.select({ id: users.id, username: users.username }).from(users).where(eq(users.is_superuser, true)).orderBy(asc(users.date_joined), asc(users.id)).limit(1);
    if (!user) throw new ScanError(s.user ? `repositories.${s.name}.scan_user: user "${s.user}" does not exist` : 'no superuser to record as the scanning user (set scan_user)');
    const subjectRows = await db.select({ nickname: subjects.nickname, id: subjects.id, lab: subjects.lab }).from(subjects);
    const subjectsByNick = new Map(subjectRows.map((r) => [r.nickname, { id: r.id, lab: r.lab }]));
    const types = await db.select({ id: datasetTypes.id, name: datasetTypes.name, filename_pattern: datasetTypes.filename_pattern }).from(datasetTypes);
    const formats = await db.select({ id: dataFormats.id, ext: dataFormats.file_extension }).from(dataFormats).orderBy(asc(dataFormats.name));
    const stateRows = await db
      .select({ path: scanStates.path, mtime_ms: scanStates.mtime_ms, subdirs: scanStates.subdirs })
      .from(scanStates)
      .where(eq(scanStates.data_repository, repo.id));
    const states = new Map(stateRows.map((r) => [r.path, { mtimeMs: r.mtime_ms, subdirs: r.subdirs }]));
    summary.repositories.push(repo.name);
    return new RepositoryScan(services, s, summary, opts, sinceMs, repo, user, subjectsByNick, types, formats, states);
  }

  async close(): Promise<void> {
    await this.hasher?.close();
  }

  private now(): string {
    return nowInZone(this.services.config.timeZone);
  }

  /** A write transaction; rolled back in a dry run. */
  private async write(fn: (tx: Tx) => Promise<void>): Promise<void> {
    try {
      await this.services.db.transaction(async (tx) => {
        await fn(tx);
        if (this.opts.dryRun) throw new Rollback();
      });
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
    }
  }

  private count(issues: IssueDraft[]): void {
    for (const i of issues) this.summary.issues[i.reason] = (this.summary.issues[i.reason] ?? 0) + 1;
  }

  async run(): Promise<void> {
    const stats: WalkStats = { directoriesVisited: 0, directoriesListed: 0, sessionsUnchanged: 0, symlinksSkipped: 0 };
    const walker = new Walker(this.s.dir, {
      states: this.states,
      sinceMs: this.sinceMs,
      knownSubject: (nick) => this.subjectsByNick.has(nick),
      stats,
    });
    try {
      // Sessions are independent (one transaction each, different folders), so on PostgreSQL several
      // run at once: a first scan waits on the database's commits, not on this process.
      const inFlight = new Set<Promise<void>>();
      try {
        for await (const unit of walker.walk()) {
          if (unit.kind === 'dir') {
            // a removed folder forgets the states below it: no session under it may still be writing
            if (unit.removed.length) await Promise.all(inFlight);
            await this.directory(unit);
            continue;
          }
          const task = this.sessionOrIssue(unit).finally(() => inFlight.delete(task));
          inFlight.add(task);
          if (inFlight.size >= this.s.concurrency) await Promise.race(inFlight);
        }
        await Promise.all(inFlight);
      } catch (e) {
        // the scan ends when its last transaction has ended, failed or not
        await Promise.allSettled(inFlight);
        throw e;
      }
      await this.write((tx) => this.flushDirs(tx));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        const missing = await missingRootMessage(this.repo.name, this.s.dir);
        if (missing) throw new ScanError(missing);
      }
      throw e;
    } finally {
      this.summary.sessionsUnchanged += stats.sessionsUnchanged;
      this.summary.directoriesListed += stats.directoriesListed;
      this.summary.symlinksSkipped += stats.symlinksSkipped;
    }
  }

  /** files registered when the tables' planner statistics are next refreshed (doubles each time) */
  private nextAnalyzeAt = 5000;

  private async sessionOrIssue(unit: SessionUnit): Promise<void> {
    try {
      await this.session(unit);
      if (this.summary.filesRegistered >= this.nextAnalyzeAt && !this.opts.dryRun) {
        // A first scan multiplies the registry; without fresh statistics (the embedded database and
        // a PostgreSQL without autovacuum have none) the per-session reads turn into scans.
        this.nextAnalyzeAt = this.summary.filesRegistered * 2;
        await this.services.db.execute(sql`analyze ${datasets}, ${fileRecords}, ${sessions}`);
      }
    } catch (e) {
      // this session is left as it was (its transaction rolled back) and read again next time
      const issue = { path: unit.path, reason: 'error', detail: (e as Error).message.slice(0, 2000) };
      this.count([issue]);
      await this.write((tx) => replaceIssues(tx, this.repo.id, unit.path, sessionPathOf(unit), [issue], this.now()));
    }
    this.opts.onProgress?.({ repository: this.repo.name, sessions: this.summary.sessionsRead, files: this.summary.filesSeen });
  }

  /**
   * A structural folder: remember it, replace its issues, forget what disappeared below it. Its
   * writes wait for the next session's transaction (or the end): a folder remembered late is only
   * listed again, and one per session would double the commits of a first scan.
   */
  private async directory(unit: DirUnit): Promise<void> {
    this.count(unit.issues);
    if (!unit.listed && !unit.issues.length && unit.state) return;
    this.pendingDirs.push(unit);
    if (unit.removed.length || this.pendingDirs.length >= 200) await this.write((tx) => this.flushDirs(tx));
  }

  private async flushDirs(tx: Tx): Promise<void> {
    const units = this.pendingDirs;
    if (!units.length) return;
    this.pendingDirs = [];
    const now = this.now();
    await saveStates(tx, this.repo.id, units.filter((u) => u.state).map((u) => ({ path: u.path, state: u.state! })), now);
    await replaceIssuesOf(tx, this.repo.id, units.map((u) => ({ directory: u.path, sessionPath: '', drafts: u.issues })), now);
    const gone = units.flatMap((u) => u.removed.map((r) => (u.path === '' ? r : `${u.path}/${r}`)));
    if (!gone.length) return;
    await forgetIssuesUnder(tx, this.repo.id, gone);
    const under = sql.join(
      gone.map((g) => sql`(${scanStates.path} = ${g} or ${scanStates.path} like ${escapeLike(g) + '/%'})`),
      sql` or `,
    );
    await tx.delete(scanStates).where(and(eq(scanStates.data_repository, this.repo.id), sql`(${under})`));
    const recordsUnder = sql.join(gone.map((g) => sql`${fileRecords.relative_path} like ${escapeLike(g) + '/%'}`), sql` or `);
    const flipped = await tx
      .update(fileRecords)
      .set({ exists: false })
      .where(and(eq(fileRecords.data_repository, this.repo.id), eq(fileRecords.exists, true), sql`(${recordsUnder})`))
      .returning({ id: fileRecords.id });
    this.summary.existsSetFalse += flipped.length;
    if (flipped.length) this.summary.changed = true;
  }

  /** The dataset type of a file name (cached: the same names recur in every session). */
  private typeOf(filename: string) {
    let m = this.typeCache.get(filename);
    if (!m) {
      m = matchDatasetType(filename, this.types, this.compiled);
      this.typeCache.set(filename, m);
    }
    return m;
  }

  private async session(unit: SessionUnit): Promise<void> {
    const db = this.services.db;
    this.summary.sessionsRead++;
    this.summary.filesSeen += unit.files.length;
    const sessionPath = sessionPathOf(unit);
    const subj = this.subjectsByNick.get(unit.subject)!;
    const now = this.now();
    const issues: IssueDraft[] = [...unit.issues];

    let found: FoundSession | null = null;
    let missing = '';
    try {
      found = await lookupSession(db, unit.subject, unit.date, Number(unit.number), (m) => new ApiError(400, { error: m }));
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      missing = String((e.body as { error?: string }).error ?? e.message);
    }
    if (!found && !this.s.autoCreateSessions) {
      issues.push({ path: unit.path, reason: 'no_session', detail: `${missing} (auto_create_sessions is off for ${this.repo.name})` });
      return this.finishSession(unit, sessionPath, issues, now, null);
    }

    const { byIdentity, byId, records } = await this.existing(db, found?.id ?? null, unit.files.map((f) => f.path));
    const recordByPath = new Map(records.map((r) => [r.relative_path, r]));

    // classify: already recorded here, to register, a record for a protected copy, or an issue
    const { toRegister, recordOnly, existsTrue, seenPaths, needHash } = this.classify(unit, issues, byIdentity, byId, recordByPath);
    const existsFalse = records.filter((r) => r.exists && r.relative_path.startsWith(unit.path + '/') && !seenPaths.has(r.relative_path)).map((r) => r.id);

    // hashes outside the transaction (a worker thread, rate-bounded)
    const md5s = new Map<FoundFile, string>();
    if (this.hasher) {
      for (const x of toRegister) needHash.push({ file: x.file, then: (md5) => md5s.set(x.file, md5) });
      for (const h of needHash) {
        try {
          h.then(await this.hasher.md5(h.file.abs));
        } catch (e) {
          issues.push({ path: h.file.path, reason: 'error', detail: `could not read the file: ${(e as Error).message}` });
        }
      }
    }
    const registrable = toRegister.filter((x) => !this.hasher || md5s.has(x.file));
    // within a (collection, name), the latest revision is registered last and so becomes the default
    registrable.sort((a, b) => cmp(a.parsed.collection, b.parsed.collection) || cmp(a.parsed.filename, b.parsed.filename) || cmp(a.parsed.revision, b.parsed.revision));

    await this.finishSession(unit, sessionPath, issues, now, async (tx) => {
      let target = found;
      if (!target) {
        // no session for a folder with nothing to register in it
        if (!registrable.length) return;
        target = await createSession(tx, unit, subj, this.user.id, now, this.actor());
        this.summary.sessionsCreated++;
      } else await linkSession(tx, target, null);
      if (registrable.length) {
        const input: RegistrationInput = {
          user: this.user,
          path: unit.path,
          repo: this.repo,
          target: { session: target, contentType: null, objectId: null, objectNickname: null },
          files: registrable.map((x) => x.parsed),
          hashes: this.hasher ? registrable.map((x) => md5s.get(x.file)!) : null,
          sizes: registrable.map((x) => x.file.size),
          versions: null,
          qcs: registrable.map(() => 0),
          repos: [this.repo],
          existsIn: () => true,
          isDefault: true,
          checkProtected: false,
        };
        await writeRegistration(tx, input, registrable.map((x) => x.kind), now, this.actor());
        this.summary.filesRegistered += registrable.length;
      }
      if (recordOnly.length) {
        await tx
          .insert(fileRecords)
          .values(recordOnly.map((r) => ({ dataset: r.dataset, data_repository: this.repo.id, relative_path: r.path, exists: true })))
          .onConflictDoNothing();
        this.summary.recordsAdded += recordOnly.length;
      }
      if (existsTrue.length) await tx.update(fileRecords).set({ exists: true }).where(inArray(fileRecords.id, existsTrue));
      if (existsFalse.length) await tx.update(fileRecords).set({ exists: false }).where(inArray(fileRecords.id, existsFalse));
      this.summary.existsSetTrue += existsTrue.length;
      this.summary.existsSetFalse += existsFalse.length;
      if (!found || registrable.length || recordOnly.length || existsTrue.length || existsFalse.length) this.summary.changed = true;
    });
  }

  /** Sorts a session's files: already recorded here, to register, a record for a protected copy, or an issue. */
  private classify(
    unit: SessionUnit,
    issues: IssueDraft[],
    byIdentity: Map<string, unknown>,
    byId: Map<string, unknown>,
    recordByPath: Map<string, { id: string; dataset: string; relative_path: string; exists: boolean }>,
  ) {
    const toRegister: Array<{ parsed: ParsedFile; file: FoundFile; kind: FileKinds[number] }> = [];
    const recordOnly: Array<{ dataset: string; path: string }> = [];
    const existsTrue: string[] = [];
    const seenPaths = new Set<string>();
    const needHash: Array<{ file: FoundFile; then: (md5: string) => void }> = [];
    for (const file of unit.files) {
      const r = parseSessionFile(unit.path, file.inSession);
      if (!r.ok) {
        issues.push({ path: file.path, reason: 'bad_alf_path', detail: r.error });
        continue;
      }
      // the record's path is the file's path in the repository directory (with a lab/Subjects/ prefix if the share has one)
      const parsed = { ...r.file, relDir: unit.path };
      const relPath = relativePathOf(parsed);
      seenPaths.add(relPath);
      const rec = recordByPath.get(relPath);
      if (rec) {
        if (!rec.exists) existsTrue.push(rec.id);
        const ds = byId.get(rec.dataset) as ExistingDataset | undefined;
        if (ds && ds.file_size !== null && ds.file_size !== file.size) {
          issues.push({ path: file.path, reason: 'changed', detail: `size ${file.size} differs from the registered ${ds.file_size} bytes`, info: { registered_size: ds.file_size, size: file.size } });
        } else if (ds && this.hasher && MD5_RE.test(ds.hash)) {
          needHash.push({
            file,
            then: (md5) => {
              if (md5 !== ds.hash) issues.push({ path: file.path, reason: 'changed', detail: `md5 ${md5} differs from the registered ${ds.hash}`, info: { registered_hash: ds.hash, hash: md5 } });
            },
          });
        }
        continue;
      }
      const problem = fileProblem(parsed, relPath, null, null);
      if (problem) {
        issues.push({ path: file.path, reason: 'bad_alf_path', detail: problem });
        continue;
      }
      const t = this.typeOf(parsed.filename);
      if (!t.ok) {
        const key = typeKeyOfFileName(parsed.filename);
        if (t.error.startsWith('Multiple')) issues.push({ path: file.path, reason: 'ambiguous_dataset_type', detail: t.error });
        else if (!parseAlfFileName(parsed.filename)) {
          issues.push({ path: file.path, reason: 'bad_alf_name', detail: `${t.error}, and it is not an ALF file name (object.attribute[.extra].extension)`, info: { key } });
        } else {
          issues.push({
            path: file.path,
            reason: 'no_dataset_type',
            detail: t.error,
            info: { key, closest: closestTypes(key, this.types.map((x) => x.name)) },
          });
        }
        continue;
      }
      const ext = lastExtension(parsed.filename);
      const format = this.formats.find((f) => f.ext === ext);
      if (!format) {
        issues.push({ path: file.path, reason: 'unknown_format', detail: `No data format with file extension "${ext}" exists.`, info: { extension: ext } });
        continue;
      }
      const ex = byIdentity.get(identity(parsed.collection, parsed.filename, t.type.id, format.id, parsed.revision || null)) as ExistingDataset | undefined;
      if (ex?.protected) {
        // a protected dataset is never re-registered; an identical copy only gets its record here
        const sameSize = ex.file_size === null || ex.file_size === file.size;
        const addRecord = () => recordOnly.push({ dataset: ex.id, path: relPath });
        const differs = (detail: string) =>
          issues.push({ path: file.path, reason: 'protected_differs', detail: `Dataset ${ex.id} is protected, cannot patch: ${detail}`, info: { dataset: ex.id } });
        if (!sameSize) differs(`size ${file.size} differs from the registered ${ex.file_size} bytes`);
        else if (this.hasher && MD5_RE.test(ex.hash)) {
          needHash.push({ file, then: (md5) => (md5 === ex.hash ? addRecord() : differs(`md5 ${md5} differs from the registered ${ex.hash}`)) });
        } else addRecord();
        continue;
      }
      toRegister.push({ parsed, file, kind: { type: t.type, format } });
    }
    return { toRegister, recordOnly, existsTrue, seenPaths, needHash };
  }

  /** Writes a session's registration (if any), its issues and, when nothing is left to fix in the database, its directories' state. */
  private async finishSession(unit: SessionUnit, sessionPath: string, issues: IssueDraft[], now: string, register: ((tx: Tx) => Promise<void>) | null): Promise<void> {
    this.count(issues);
    const remember = issues.every((i) => FS_FIXED.has(i.reason));
    await this.write(async (tx) => {
      await this.flushDirs(tx);
      if (register) await register(tx);
      await replaceIssues(tx, this.repo.id, unit.path, sessionPath, issues, now);
      if (remember) await saveStates(tx, this.repo.id, unit.dirs, now);
      else if (unit.dirs.length) {
        // read it again next time
        await tx.delete(scanStates).where(and(eq(scanStates.data_repository, this.repo.id), inArray(scanStates.path, unit.dirs.map((d) => d.path))));
      }
    });
  }

  /**
   * The session's datasets (by identity and id), and the file records on this repository of those
   * datasets or at one of the found paths (a path may be recorded for a dataset of another session).
   */
  private async existing(db: Queryable, sessionId: string | null, paths: string[]) {
    const rows: ExistingDataset[] = sessionId
      ? await db
          .select({
            ...DATASET_IDENTITY_COLUMNS,
            revision: revisions.name,
            file_size: datasets.file_size,
            protected: protectedFlag(),
          })
          .from(datasets)
          .leftJoin(revisions, eq(revisions.id, datasets.revision))
          .where(eq(datasets.session, sessionId))
      : [];
    const byIdentity = new Map(rows.map((d) => [identity(d.collection, d.name, d.dataset_type, d.data_format, d.revision), d]));
    const byId = new Map(rows.map((d) => [d.id, d]));
    const ofSession = rows.length ? inArray(fileRecords.dataset, rows.map((d) => d.id)) : undefined;
    const atPaths = paths.length ? inArray(fileRecords.relative_path, paths) : undefined;
    const records =
      ofSession || atPaths
        ? await db
            .select({ id: fileRecords.id, dataset: fileRecords.dataset, relative_path: fileRecords.relative_path, exists: fileRecords.exists })
            .from(fileRecords)
            .where(and(eq(fileRecords.data_repository, this.repo.id), or(ofSession, atPaths)))
        : [];
    return { byIdentity, byId, records };
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sessionPathOf = (u: SessionUnit) => `${u.subject}/${u.date}/${u.number}`;

async function saveStates(tx: Tx, repoId: string, dirs: Array<{ path: string; state: DirState }>, now: string): Promise<void> {
  if (!dirs.length) return;
  await tx
    .insert(scanStates)
    .values(dirs.map((d) => ({ data_repository: repoId, path: d.path, mtime_ms: d.state.mtimeMs, subdirs: d.state.subdirs, scanned: now })))
    .onConflictDoUpdate({
      target: [scanStates.data_repository, scanStates.path],
      set: {
        mtime_ms: sql`excluded.${sql.identifier(scanStates.mtime_ms.name)}`,
        subdirs: sql`excluded.${sql.identifier(scanStates.subdirs.name)}`,
        scanned: now,
      },
    });
}

/**
 * A session for a folder of a known subject: the day's base session when there is none yet,
 * otherwise a numbered one under it. The scanning user is its user.
 */
async function createSession(tx: Tx, unit: SessionUnit, subj: { id: string; lab: string | null }, userId: string, now: string, actor: AuditActor): Promise<FoundSession> {
  const sameDay = await tx
    .select({ id: sessions.id, parent: sessions.parent_session })
    .from(sessions)
    .where(and(eq(sessions.subject, subj.id), sql`${sessions.start_time}::date = ${unit.date}::date`))
    .orderBy(asc(sessions.start_time), asc(sessions.id));
  const base = sameDay.find((r) => r.parent === null) ?? null;
  const [s] = await tx
    .insert(sessions)
    .values({
      subject: subj.id,
      lab: subj.lab,
      start_time: `${unit.date}T00:00:00`,
      number: Number(unit.number),
      type: 'Experiment',
      parent_session: base?.id ?? null,
      auto_datetime: now,
    })
    .returning();
  await tx.insert(sessionUsers).values({ owner: s.id, labmember: userId }).onConflictDoNothing();
  await recordAudit(tx, actor, [created(sessions, s, { users: [actor.username] })]);
  return { id: s.id, subject: unit.subject, subjectId: subj.id, lab: subj.lab, baseId: base?.id ?? s.id, orphan: false };
}

/** The scheduled job: scans the repositories that opted in (`"scan": true`) when their interval has passed. */
const lastScheduled = new Map<string, number>();
export async function scheduledScan(services: Services): Promise<void> {
  const due = Object.keys(services.config.repositoryDirs)
    .map((n) => scanSettings(services.config, n))
    .filter((s) => s.scheduled && Date.now() - (lastScheduled.get(s.name) ?? 0) >= s.intervalMinutes * 60_000);
  for (const s of due) {
    if (running) return;
    lastScheduled.set(s.name, Date.now());
    await scanRepositories(services, { repository: s.name });
  }
}

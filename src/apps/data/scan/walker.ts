// The incremental walk of a repository directory laid out as ALF sessions:
//   [<lab>/Subjects/]<subject>/<yyyy-mm-dd>/<nnn>/[<collection>/][#<revision>#/]<file>
// It only reads (readdir, stat, realpath). A directory whose mtime equals the one remembered from
// the last scan is not listed again; its remembered sub-directories are still visited, because a
// file added deeper down changes only its own directory's mtime (SMB/NFS mounts give no inotify).
// A session folder is one unit: when any of its directories changed, the whole session is read.
// Symbolic links are followed only when their target stays inside the repository directory.
import fs from 'node:fs/promises';
import path from 'node:path';

export interface DirState {
  mtimeMs: number;
  subdirs: string[];
}

export interface IssueDraft {
  /** file or directory, relative to the repository directory */
  path: string;
  reason: string;
  detail: string;
  info?: Record<string, unknown>;
}

export interface FoundFile {
  /** relative to the repository directory */
  path: string;
  /** relative to the session folder */
  inSession: string;
  abs: string;
  size: number;
}

/** A structural directory (root, lab, subject, date): its state and what was wrong in it. */
export interface DirUnit {
  kind: 'dir';
  path: string;
  state: DirState | null;
  /** its entries were listed (it changed) */
  listed: boolean;
  issues: IssueDraft[];
  /** sub-directories remembered from the last scan that are gone */
  removed: string[];
}

export interface SessionUnit {
  kind: 'session';
  /** the session folder, relative to the repository directory (with a `<lab>/Subjects/` prefix if any) */
  path: string;
  subject: string;
  date: string;
  number: string;
  files: FoundFile[];
  /** every directory of the session folder with its state */
  dirs: Array<{ path: string; state: DirState }>;
  issues: IssueDraft[];
}

export type Unit = DirUnit | SessionUnit;

export interface WalkOptions {
  /** remembered directory states, by path */
  states: Map<string, DirState>;
  /** directories modified at or after this time (ms) are read whatever their state */
  sinceMs?: number | null;
  /** whether a subject nickname exists (unknown subjects are reported, not descended into) */
  knownSubject(nickname: string): boolean;
  /** counters */
  stats?: WalkStats;
  /**
   * Existence only (`alyx files check`): plain files and folders are taken from the directory
   * listing's entry types, without a stat each (sizes are then 0); links are still resolved.
   */
  existenceOnly?: boolean;
}

export interface WalkStats {
  directoriesVisited: number;
  directoriesListed: number;
  sessionsUnchanged: number;
  symlinksSkipped: number;
}

const SUBJECT_RE = /^[\p{L}\p{N}_.-]+$/u;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER_RE = /^\d{1,3}$/;
const LAB_RE = /^[\p{L}\p{N}_]+$/u;
/** collections may nest; a bound keeps a pathological tree from recursing without end */
const MAX_SESSION_DEPTH = 16;

const hidden = (name: string) => name.startsWith('.');
const join = (a: string, b: string) => (a === '' ? b : `${a}/${b}`);

interface Entry {
  name: string;
  kind: 'dir' | 'file';
  size: number;
  mtimeMs: number;
}

/** The message when a repository directory is missing (unmounted share), or null when it is there. */
export async function missingRootMessage(repository: string, dir: string): Promise<string | null> {
  const there = await fs.stat(dir).then(
    (st) => st.isDirectory(),
    () => false,
  );
  return there ? null : `repository ${repository}: directory ${dir} does not exist`;
}

export class Walker {
  private realRoot = '';
  readonly stats: WalkStats;

  constructor(
    private root: string,
    private opts: WalkOptions,
  ) {
    this.stats = opts.stats ?? { directoriesVisited: 0, directoriesListed: 0, sessionsUnchanged: 0, symlinksSkipped: 0 };
  }

  private changed(prev: DirState | undefined, mtimeMs: number): boolean {
    if (!prev || prev.mtimeMs !== mtimeMs) return true;
    return this.opts.sinceMs != null && mtimeMs >= this.opts.sinceMs;
  }

  private async mtimeOf(rel: string): Promise<number | null> {
    try {
      return (await fs.stat(path.join(this.root, rel))).mtimeMs;
    } catch {
      return null;
    }
  }

  /** Entries of a directory; links leaving the repository are reported and skipped. */
  private async list(rel: string, issues: IssueDraft[]): Promise<Entry[]> {
    this.stats.directoriesListed++;
    const abs = path.join(this.root, rel);
    const dirents = await fs.readdir(abs, { withFileTypes: true });
    const out: Entry[] = [];
    await Promise.all(
      dirents.map(async (d) => {
        if (hidden(d.name)) return;
        const childAbs = path.join(abs, d.name);
        if (this.opts.existenceOnly && !d.isSymbolicLink() && (d.isFile() || d.isDirectory())) {
          out.push({ name: d.name, kind: d.isDirectory() ? 'dir' : 'file', size: 0, mtimeMs: 0 });
          return;
        }
        let st;
        try {
          if (d.isSymbolicLink()) {
            const real = await fs.realpath(childAbs);
            const inside = real === this.realRoot || real.startsWith(this.realRoot + path.sep);
            const realParent = await fs.realpath(abs);
            // outside the repository, or a loop back to an ancestor
            if (!inside || realParent === real || realParent.startsWith(real + path.sep)) {
              this.stats.symlinksSkipped++;
              issues.push({
                path: join(rel, d.name),
                reason: 'symlink_outside',
                detail: inside ? 'symbolic link to one of its parent directories: skipped' : 'symbolic link leaving the repository directory: skipped',
              });
              return;
            }
          }
          st = await fs.stat(childAbs);
        } catch {
          return; // vanished or dangling: nothing to register
        }
        if (st.isDirectory()) out.push({ name: d.name, kind: 'dir', size: 0, mtimeMs: st.mtimeMs });
        else if (st.isFile()) out.push({ name: d.name, kind: 'file', size: st.size, mtimeMs: st.mtimeMs });
      }),
    );
    out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  }

  async *walk(): AsyncGenerator<Unit> {
    this.realRoot = await fs.realpath(this.root);
    yield* this.container('', 'root');
  }

  /**
   * root: children are labs or subjects; top: a lab (has `Subjects`) or a subject; subjects: the
   * lab's subject folders; subject: date folders; date: session folders.
   */
  private async *container(rel: string, role: 'root' | 'top' | 'subjects' | 'subject' | 'date'): AsyncGenerator<Unit> {
    this.stats.directoriesVisited++;
    // a subject folder below <lab>/Subjects/ (an unknown one is looked at again next time)
    if (role === 'subject' && !this.opts.knownSubject(rel.split('/').pop()!)) {
      const nick = rel.split('/').pop()!;
      const issue = SUBJECT_RE.test(nick)
        ? { path: rel, reason: 'unknown_subject', detail: `A subject with nickname "${nick}" does not exist.`, info: { nickname: nick } }
        : { path: rel, reason: 'bad_alf_path', detail: 'not a subject folder name (letters, digits, _ . -)' };
      yield { kind: 'dir', path: rel, state: null, listed: false, removed: [], issues: [issue] };
      return;
    }
    const mtimeMs = await this.mtimeOf(rel);
    if (mtimeMs === null) return;
    const prev = this.opts.states.get(rel);
    const issues: IssueDraft[] = [];
    let subdirs: string[];
    let listed = false;
    if (this.changed(prev, mtimeMs)) {
      listed = true;
      const entries = await this.list(rel, issues);
      subdirs = entries.filter((e) => e.kind === 'dir').map((e) => e.name);
      for (const f of entries.filter((e) => e.kind === 'file')) {
        issues.push({ path: join(rel, f.name), reason: 'bad_alf_path', detail: 'file outside a session folder (<subject>/<yyyy-mm-dd>/<nnn>/)' });
      }
    } else subdirs = prev!.subdirs;
    const removed = listed && prev ? prev.subdirs.filter((s) => !subdirs.includes(s)) : [];

    // what each sub-directory is, by the layout
    let children: Array<{ name: string; role: 'top' | 'subjects' | 'subject' | 'date' | 'session' }> = [];
    const isLab = role === 'top' && subdirs.includes('Subjects') && LAB_RE.test(rel.split('/').pop()!);
    if (role === 'top' && !isLab && !this.opts.knownSubject(rel)) {
      // an unknown subject is not descended into, and not remembered: it is looked at again next time
      const valid = SUBJECT_RE.test(rel);
      yield {
        kind: 'dir',
        path: rel,
        state: null,
        listed,
        removed: [],
        issues: [
          valid
            ? { path: rel, reason: 'unknown_subject', detail: `A subject with nickname "${rel}" does not exist.`, info: { nickname: rel } }
            : { path: rel, reason: 'bad_alf_path', detail: 'not a subject folder name (letters, digits, _ . -) nor a lab folder with Subjects/' },
        ],
      };
      return;
    }
    if (role === 'root') children = subdirs.map((name) => ({ name, role: 'top' as const }));
    else if (isLab) children = [{ name: 'Subjects', role: 'subjects' }];
    else if (role === 'subjects') children = subdirs.map((name) => ({ name, role: 'subject' as const }));
    else if (role === 'subject' || role === 'top') {
      for (const name of subdirs) {
        if (DATE_RE.test(name)) children.push({ name, role: 'date' });
        else if (listed) issues.push({ path: join(rel, name), reason: 'bad_alf_path', detail: 'not a date folder (yyyy-mm-dd)' });
      }
    } else if (role === 'date') {
      for (const name of subdirs) {
        if (NUMBER_RE.test(name)) children.push({ name, role: 'session' });
        else if (listed) issues.push({ path: join(rel, name), reason: 'bad_alf_path', detail: 'not a session number folder (1 to 3 digits)' });
      }
    }
    yield { kind: 'dir', path: rel, state: { mtimeMs, subdirs }, listed, issues, removed };
    for (const c of children) {
      const childRel = join(rel, c.name);
      if (c.role === 'session') yield* this.session(childRel);
      else yield* this.container(childRel, c.role);
    }
  }

  /** true when a remembered session folder, or one of its remembered directories, changed */
  private async sessionChanged(rel: string, depth = 0): Promise<boolean> {
    const prev = this.opts.states.get(rel);
    if (!prev) return true;
    this.stats.directoriesVisited++;
    const m = await this.mtimeOf(rel);
    if (m === null || this.changed(prev, m)) return true;
    if (depth >= MAX_SESSION_DEPTH) return false;
    for (const s of prev.subdirs) if (await this.sessionChanged(join(rel, s), depth + 1)) return true;
    return false;
  }

  private async *session(rel: string): AsyncGenerator<Unit> {
    if (!(await this.sessionChanged(rel))) {
      this.stats.sessionsUnchanged++;
      return;
    }
    const parts = rel.split('/');
    const [subject, date, number] = parts.slice(-3);
    const unit: SessionUnit = { kind: 'session', path: rel, subject, date, number, files: [], dirs: [], issues: [] };
    const read = async (dirRel: string, depth: number) => {
      const mtimeMs = await this.mtimeOf(dirRel);
      if (mtimeMs === null) return;
      const entries = await this.list(dirRel, unit.issues);
      const subdirs = entries.filter((e) => e.kind === 'dir').map((e) => e.name);
      unit.dirs.push({ path: dirRel, state: { mtimeMs, subdirs } });
      for (const e of entries) {
        const p = join(dirRel, e.name);
        if (e.kind === 'file') unit.files.push({ path: p, inSession: p.slice(rel.length + 1), abs: path.join(this.root, p), size: e.size });
        else if (depth < MAX_SESSION_DEPTH) await read(p, depth + 1);
        else unit.issues.push({ path: p, reason: 'bad_alf_path', detail: `folders nested more than ${MAX_SESSION_DEPTH} deep in a session: skipped` });
      }
    };
    await read(rel, 0);
    yield unit;
  }
}

// What an app (misc, subjects, actions, data, experiments, jobs) contributes to the server.
import type { FastifyInstance } from 'fastify';
import type { Resource } from '../rest/resource.ts';
import type { Services } from '../services.ts';
import type { SubjectActionsProvider } from './subjects/extensions.ts';
import type { SessionExtensions } from './actions/extensions.ts';
import type { DatasetExtensions } from './data/extensions.ts';
import type { CommandDecl, OptionDecls, ParsedArgs } from '../cli/args.ts';

export type { Services };

/** A job the in-process scheduler runs every `everySeconds` (state lives in the database). */
export interface ScheduledJob {
  name: string;
  everySeconds: number;
  /** off unless the config enables it */
  enabledByDefault: boolean;
  run(services: Services): Promise<void>;
}

/**
 * A command an app contributes to the `alyx` binary (`alyx <name> ...`; a name may have two words,
 * e.g. "files check"). It declares its options and positionals (src/cli/args.ts) and its action gets
 * the parsed values; `run`, for callers holding raw words (tests, scripts), is derived by `appCommand`.
 * Expected failures are thrown as CliError (exit 1) or UsageError (exit 2).
 */
export interface AppCliCommand<O extends OptionDecls = OptionDecls> extends CommandDecl<O> {
  action(services: Services, args: ParsedArgs<O>, out: (line: string) => void): Promise<number | void>;
  /** parses `argv` then runs the action; errors become one `error: ...` line and their exit code */
  run(services: Services, argv: string[], out?: (line: string) => void): Promise<number>;
}

export interface AlyxApp {
  name: string;
  /** generic REST resources (list/create/read/update/partial_update/delete) */
  resources: Resource[];
  /** custom endpoints, registered inside the authenticated scope (see rest/auth.ts for options) */
  routes?(app: FastifyInstance, services: Services): Promise<void> | void;
  /** idempotent reference data, run after migrations in app order when `seedContent` changed */
  seed?(services: Services): Promise<void>;
  /**
   * Everything the seed writes (its files' data, the config it reads): a start skips the seed while
   * the hash of this equals the one stored by the last seed. Without it the seed runs at every start.
   * A change to how the seed writes that must reach existing databases changes this too (e.g. a version field).
   */
  seedContent?(services: Services): unknown;
  jobs?: ScheduledJob[];
  /** hooks into earlier apps' resources (see AppExtensions) */
  extends?: AppExtensions;
}

/**
 * What an app adds to resources of earlier apps, which cannot import its tables: installed once
 * by src/apps/index.ts, so the app entry shows every cross-app hook.
 */
export interface AppExtensions {
  /** water numbers, nested weighings/water lists and write side effects of the subjects resource */
  subjects?: SubjectActionsProvider;
  /** nested lists of the session detail and session list filters */
  sessions?: SessionExtensions;
  /** what happens when datasets are saved (experiments: links to probe insertions and fields of view) */
  datasets?: DatasetExtensions;
}

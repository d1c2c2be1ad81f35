// What an app (misc, subjects, actions, data, experiments, jobs) contributes to the server.
import type { FastifyInstance } from 'fastify';
import type { Resource } from '../rest/resource.ts';
import type { Services } from '../services.ts';

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
 * e.g. "files check"). `args` are the words after the name; the result is the exit code.
 */
export interface AppCliCommand {
  name: string;
  describe: string;
  run(services: Services, args: string[], out?: (line: string) => void): Promise<number | void>;
}

export interface AlyxApp {
  name: string;
  /** generic REST resources (list/create/read/update/partial_update/delete) */
  resources: Resource[];
  /** custom endpoints, registered inside the authenticated scope (see rest/auth.ts for options) */
  routes?(app: FastifyInstance, services: Services): Promise<void> | void;
  /** idempotent reference data, run at every start after migrations, in app order */
  seed?(services: Services): Promise<void>;
  jobs?: ScheduledJob[];
}

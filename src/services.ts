// The long-lived services every part of the server is handed: configuration and the database.
import type { Config } from './config.ts';
import type { Db, DbHandle } from './db/client.ts';

export interface Services {
  config: Config;
  handle: DbHandle;
  db: Db;
}

// Extension point through which a later app (experiments) reacts to datasets being saved: upstream's
// Dataset.save links a dataset to the probe insertions and fields of view of its session named by
// the second part of its collection (`alf/probe00` -> `probe00`). Data comes before experiments in the
// app order, so it cannot import their tables; experiments declares `extends.datasets` in its
// index.ts and src/apps/index.ts installs it once. Without a provider nothing happens.
import type { Tx } from '../../db/client.ts';

/**
 * Called in the write transaction with the ids of the datasets just created or updated; `inserted`:
 * those of them the caller inserted itself in this transaction, with nothing linked to them yet.
 */
export type DatasetsSavedHook = (tx: Tx, datasetIds: string[], inserted: ReadonlySet<string>) => Promise<void>;

export interface DatasetExtensions {
  saved?: DatasetsSavedHook;
}

const savedHooks: DatasetsSavedHook[] = [];

/** Installs an app's `extends.datasets` (src/apps/index.ts calls it once per app). */
export function extendDatasets(ext: DatasetExtensions): void {
  if (ext.saved) savedHooks.push(ext.saved);
}

/** Runs every installed hook for datasets saved in this transaction. */
export async function datasetsSaved(tx: Tx, datasetIds: string[], inserted: ReadonlySet<string> = new Set()): Promise<void> {
  const ids = [...new Set(datasetIds.filter(Boolean))];
  if (!ids.length) return;
  for (const hook of savedHooks) await hook(tx, ids, inserted);
}

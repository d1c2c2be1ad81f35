// Idempotent reference data of the experiments app: the Allen brain-region tree (with its nested
// sets), coordinate systems, probe models and imaging types. Existing rows are never changed, so
// descriptions a lab writes survive restarts.
import { count } from 'drizzle-orm';
import type { Services } from '../app.ts';
import reference from './seed/reference.json' with { type: 'json' };
import { nestedSets, readRegionRows } from './brain-regions.ts';
import { brainRegions, coordinateSystems, imagingTypes, probeModels } from './tables.ts';

/** what seedExperiments writes (see AlyxApp.seedContent) */
export const experimentsSeedContent = () => [readRegionRows(), reference];

export async function seedExperiments(services: Services): Promise<void> {
  const rows = readRegionRows();
  await services.db.transaction(async (tx) => {
    const [{ n }] = await tx.select({ n: count() }).from(brainRegions);
    if (Number(n) < rows.length) {
      const tree = nestedSets(rows);
      for (let i = 0; i < tree.length; i += 500) {
        await tx
          .insert(brainRegions)
          .values(tree.slice(i, i + 500).map((r) => ({ ...r, ontology: null, description: null })))
          .onConflictDoNothing();
      }
    }
    await tx
      .insert(coordinateSystems)
      .values(reference.coordinate_systems.map((c) => ({ ...c, json: null })))
      .onConflictDoNothing();
    await tx
      .insert(probeModels)
      .values(reference.probe_models.map((p) => ({ ...p, json: null, description: null })))
      .onConflictDoNothing();
    await tx
      .insert(imagingTypes)
      .values(reference.imaging_types.map((t) => ({ ...t, json: null })))
      .onConflictDoNothing();
  });
}

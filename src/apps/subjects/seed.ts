// Idempotent reference data of the subjects app (and the housing tables of misc, which nothing
// else seeds): default species, sources, cage types, enrichments, food. Existing rows are never
// changed, so a lab's edits survive restarts.
import type { Services } from '../app.ts';
import { cageTypes, enrichments, foods } from '../misc/tables.ts';
import { sources, species } from './tables.ts';
import housing from '../misc/seed/housing.json' with { type: 'json' };
import reference from './seed/reference.json' with { type: 'json' };

/** what seedHousing and seedSubjects write (see AlyxApp.seedContent) */
export const subjectsSeedContent = () => [housing, reference];

export async function seedHousing(services: Services): Promise<void> {
  await services.db.transaction(async (tx) => {
    const row = (r: { id: string; name: string }) => ({ id: r.id, name: r.name, description: '', json: null });
    await tx.insert(cageTypes).values(housing.cage_types.map(row)).onConflictDoNothing();
    await tx.insert(enrichments).values(housing.enrichments.map(row)).onConflictDoNothing();
    await tx.insert(foods).values(housing.food.map(row)).onConflictDoNothing();
  });
}

export async function seedSubjects(services: Services): Promise<void> {
  await services.db.transaction(async (tx) => {
    await tx
      .insert(species)
      .values(reference.species.map((s) => ({ id: s.id, name: s.name, nickname: s.nickname, json: null })))
      .onConflictDoNothing();
    await tx
      .insert(sources)
      .values(reference.sources.map((s) => ({ id: s.id, name: s.name, description: s.description, json: null })))
      .onConflictDoNothing();
  });
}

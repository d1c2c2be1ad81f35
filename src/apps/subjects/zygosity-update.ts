// `alyx update-zygosities [--force] [nickname ...]` (upstream's update_zygosities command, 4.14):
// recomputes zygosities from genotype tests and line rules, then from the parents of the
// subject's litter (father and first mother of its breeding pair). Inherited values fill gaps and
// only overwrite an existing, different zygosity with --force. One transaction.
import { eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { AppCliCommand, Services } from '../app.ts';
import { inheritedZygosity } from './genotype.ts';
import { applyZygosityRules } from './reference.ts';
import { appCommand } from '../../cli/args.ts';
import { breedingPairs, litters, subjects, zygosities } from './tables.ts';

export interface ZygosityUpdateResult {
  subjects: number;
  created: number;
  updated: number;
  unknown: string[];
}

type Subject = typeof subjects.$inferSelect;
/** allele id -> the subject's zygosity row for it */
type AlleleZygosities = Map<string, { id: string; zygosity: number }>;

/** The subjects named (all without names), and the nicknames that name none. */
async function chosenSubjects(db: Queryable, nicknames: string[] | undefined): Promise<{ chosen: Subject[]; unknown: string[] }> {
  if (!nicknames?.length) return { chosen: await db.select().from(subjects), unknown: [] };
  const chosen = await db.select().from(subjects).where(inArray(subjects.nickname, nicknames));
  const found = new Set(chosen.map((s) => s.nickname));
  return { chosen, unknown: nicknames.filter((n) => !found.has(n)) };
}

/** Father and first mother of each litter's breeding pair, by litter id. */
async function parentsByLitter(db: Queryable, litterIds: string[]) {
  const pairs = await db
    .select({ litter: litters.id, father: breedingPairs.father, mother: breedingPairs.mother1 })
    .from(litters)
    .innerJoin(breedingPairs, eq(breedingPairs.id, litters.breeding_pair))
    .where(inArray(litters.id, [...new Set(litterIds)]));
  return new Map(pairs.map((p) => [p.litter, p]));
}

/** The zygosities of the given subjects, by subject id. */
async function zygositiesBySubject(db: Queryable, subjectIds: string[]): Promise<Map<string, AlleleZygosities>> {
  const bySubject = new Map<string, AlleleZygosities>();
  if (subjectIds.length === 0) return bySubject;
  for (const z of await db.select().from(zygosities).where(inArray(zygosities.subject, subjectIds))) {
    const m = bySubject.get(z.subject) ?? new Map();
    m.set(z.allele, { id: z.id, zygosity: z.zygosity });
    bySubject.set(z.subject, m);
  }
  return bySubject;
}

/**
 * Writes the zygosities a child inherits from its parents: missing ones are created, different
 * ones overwritten only with `force`. Returns the counts.
 */
async function inheritFromParents(
  db: Queryable,
  childId: string,
  parents: { mother: AlleleZygosities; father: AlleleZygosities; own: AlleleZygosities },
  force: boolean,
): Promise<{ created: number; updated: number }> {
  const counts = { created: 0, updated: 0 };
  const { mother, father, own } = parents;
  for (const allele of new Set([...father.keys(), ...mother.keys()])) {
    const value = inheritedZygosity(mother.get(allele)?.zygosity ?? null, father.get(allele)?.zygosity ?? null);
    if (value === null) continue;
    const existing = own.get(allele);
    if (!existing) {
      await db.insert(zygosities).values({ subject: childId, allele, zygosity: value });
      counts.created++;
    } else if (existing.zygosity !== value && force) {
      await db.update(zygosities).set({ zygosity: value }).where(eq(zygosities.id, existing.id));
      counts.updated++;
    }
  }
  return counts;
}

export async function updateZygosities(
  db: Queryable,
  opts: { nicknames?: string[]; force?: boolean } = {},
): Promise<ZygosityUpdateResult> {
  const { chosen, unknown } = await chosenSubjects(db, opts.nicknames);
  const result: ZygosityUpdateResult = { subjects: chosen.length, created: 0, updated: 0, unknown };
  for (const s of chosen) await applyZygosityRules(db, s.id);

  // then from the parents of each chosen subject, through litter -> breeding pair
  const withLitter = chosen.filter((s): s is Subject & { litter: string } => !!s.litter);
  if (withLitter.length === 0) return result;
  const pairOf = await parentsByLitter(db, withLitter.map((s) => s.litter));
  const parentIds = [...pairOf.values()].flatMap((p) => [p.father, p.mother]).filter((v): v is string => !!v);
  const zyg = await zygositiesBySubject(db, [...new Set(parentIds), ...withLitter.map((s) => s.id)]);
  const of = (id: string | null): AlleleZygosities => (id ? zyg.get(id) : undefined) ?? new Map();
  for (const child of withLitter) {
    const pair = pairOf.get(child.litter);
    if (!pair) continue;
    const counts = await inheritFromParents(db, child.id, { mother: of(pair.mother), father: of(pair.father), own: of(child.id) }, !!opts.force);
    result.created += counts.created;
    result.updated += counts.updated;
  }
  return result;
}

export const cli: AppCliCommand[] = [
  appCommand({
    name: 'update-zygosities',
    describe: 'recompute zygosities from genotype tests, line rules and parents',
    options: { force: { type: 'boolean', describe: 'inherited values overwrite existing ones' } },
    positionals: [{ name: 'NICKNAME', optional: true, variadic: true, describe: 'only these subjects (default: all)' }],
    async action(services, { values: { force }, positionals: nicknames }, out) {
      const r = await services.db.transaction((tx) => updateZygosities(tx, { nicknames, force }));
      for (const n of r.unknown) out(`warning: no subject with nickname ${n}`);
      out(`${r.subjects} subjects checked, ${r.created} zygosities created, ${r.updated} updated`);
      return r.unknown.length && r.subjects === 0 ? 1 : 0;
    },
  }),
];

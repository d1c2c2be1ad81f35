// `alyx update-zygosities [--force] [nickname ...]` (upstream's update_zygosities command, 4.14):
// recomputes zygosities from genotype tests and line rules, then from the parents of the
// subject's litter (father and first mother of its breeding pair). Inherited values fill gaps and
// only overwrite an existing, different zygosity with --force. One transaction.
import { eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import type { AppCliCommand, Services } from '../app.ts';
import { inheritedZygosity } from './genotype.ts';
import { applyZygosityRules } from './reference.ts';
import { breedingPairs, litters, subjects, zygosities } from './tables.ts';

export interface ZygosityUpdateResult {
  subjects: number;
  created: number;
  updated: number;
  unknown: string[];
}

export async function updateZygosities(
  db: Queryable,
  opts: { nicknames?: string[]; force?: boolean } = {},
): Promise<ZygosityUpdateResult> {
  const result: ZygosityUpdateResult = { subjects: 0, created: 0, updated: 0, unknown: [] };
  const chosen = opts.nicknames?.length
    ? await db.select().from(subjects).where(inArray(subjects.nickname, opts.nicknames))
    : await db.select().from(subjects);
  if (opts.nicknames?.length) {
    const found = new Set(chosen.map((s) => s.nickname));
    result.unknown = opts.nicknames.filter((n) => !found.has(n));
  }
  result.subjects = chosen.length;
  for (const s of chosen) await applyZygosityRules(db, s.id);

  // parents of each chosen subject, through litter -> breeding pair
  const withLitter = chosen.filter((s) => s.litter);
  if (withLitter.length === 0) return result;
  const pairs = await db
    .select({ litter: litters.id, father: breedingPairs.father, mother: breedingPairs.mother1 })
    .from(litters)
    .innerJoin(breedingPairs, eq(breedingPairs.id, litters.breeding_pair))
    .where(inArray(litters.id, [...new Set(withLitter.map((s) => s.litter!))]));
  const pairOf = new Map(pairs.map((p) => [p.litter, p]));
  const parentIds = [...new Set(pairs.flatMap((p) => [p.father, p.mother]).filter((v): v is string => !!v))];
  const childIds = withLitter.map((s) => s.id);
  const zyg = await db
    .select()
    .from(zygosities)
    .where(inArray(zygosities.subject, [...parentIds, ...childIds]));
  const bySubject = new Map<string, Map<string, { id: string; zygosity: number }>>();
  for (const z of zyg) {
    const m = bySubject.get(z.subject) ?? new Map();
    m.set(z.allele, { id: z.id, zygosity: z.zygosity });
    bySubject.set(z.subject, m);
  }
  for (const child of withLitter) {
    const pair = pairOf.get(child.litter!);
    if (!pair) continue;
    const fatherZ = pair.father ? (bySubject.get(pair.father) ?? new Map()) : new Map();
    const motherZ = pair.mother ? (bySubject.get(pair.mother) ?? new Map()) : new Map();
    const own = bySubject.get(child.id) ?? new Map();
    for (const allele of new Set([...fatherZ.keys(), ...motherZ.keys()])) {
      const value = inheritedZygosity(motherZ.get(allele)?.zygosity ?? null, fatherZ.get(allele)?.zygosity ?? null);
      if (value === null) continue;
      const existing = own.get(allele);
      if (!existing) {
        await db.insert(zygosities).values({ subject: child.id, allele, zygosity: value });
        result.created++;
      } else if (existing.zygosity !== value && opts.force) {
        await db.update(zygosities).set({ zygosity: value }).where(eq(zygosities.id, existing.id));
        result.updated++;
      }
    }
  }
  return result;
}

export const cli: AppCliCommand[] = [
  {
    name: 'update-zygosities',
    describe:
      'update-zygosities [--force] [nickname ...]: recompute zygosities from genotype tests, line rules and parents ' +
      '(--force lets inherited values overwrite existing ones)',
    async run(services, args, out = (line) => process.stdout.write(line + '\n')) {
      const force = args.includes('--force');
      const bad = args.filter((a) => a.startsWith('-') && a !== '--force');
      if (bad.length) {
        out(`error: unknown option ${bad[0]}`);
        return 2;
      }
      const nicknames = args.filter((a) => !a.startsWith('-'));
      const r = await services.db.transaction((tx) => updateZygosities(tx, { nicknames, force }));
      for (const n of r.unknown) out(`warning: no subject with nickname ${n}`);
      out(`${r.subjects} subjects checked, ${r.created} zygosities created, ${r.updated} updated`);
      return r.unknown.length && r.subjects === 0 ? 1 : 0;
    },
  },
];

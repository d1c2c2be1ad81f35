import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { cli } from '../../src/apps/subjects/zygosity-update.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function run(args: string[]) {
  const lines: string[] = [];
  const code = await cli[0].run(t.services, args, (l) => lines.push(l));
  return { code, lines };
}

describe('update-zygosities', () => {
  it('fills zygosities from the parents, and overwrites only with --force', async () => {
    for (const a of ['Ai95', 'Cre']) expect((await t.post('/alleles', { name: a, nickname: a })).status).toBe(201);
    for (const [nickname, sex] of [['dad', 'M'], ['mum', 'F'], ['pup1', 'U'], ['pup2', 'U']]) {
      expect((await t.post('/subjects', { nickname, sex, lab: 'cortexlab' })).status).toBe(201);
    }
    await t.post('/zygosities', { subject: 'dad', allele: 'Ai95', zygosity: 2 });
    await t.post('/zygosities', { subject: 'mum', allele: 'Ai95', zygosity: 0 });
    await t.post('/zygosities', { subject: 'dad', allele: 'Cre', zygosity: 2 });
    await t.post('/zygosities', { subject: 'pup2', allele: 'Cre', zygosity: 0 });
    const pair = await t.post('/breeding-pairs', { name: 'BP1', father: 'dad', mother1: 'mum' });
    expect(pair.status).toBe(201);
    expect((await t.post('/litters', { name: 'L1', breeding_pair: 'BP1' })).status).toBe(201);
    for (const p of ['pup1', 'pup2']) expect((await t.patch(`/subjects/${p}`, { litter: 'L1' })).status).toBe(200);

    let r = await run(['pup1', 'pup2', 'ghost']);
    expect(r.code).toBe(0);
    expect(r.lines).toEqual(['warning: no subject with nickname ghost', '2 subjects checked, 3 zygosities created, 0 updated']);
    const genotype = async (n: string) => (await t.get(`/subjects/${n}`)).body.genotype;
    // (mother -/-, father +/+) -> +/- ; (none, +/+) -> +/-
    expect(await genotype('pup1')).toEqual([
      { allele: 'Ai95', zygosity: 1 },
      { allele: 'Cre', zygosity: 1 },
    ]);
    expect(await genotype('pup2')).toEqual([
      { allele: 'Ai95', zygosity: 1 },
      { allele: 'Cre', zygosity: 0 },
    ]);
    r = await run(['--force']);
    expect(r.lines).toEqual(['4 subjects checked, 0 zygosities created, 1 updated']);
    expect(await genotype('pup2')).toContainEqual({ allele: 'Cre', zygosity: 1 });
    r = await run(['--bogus']);
    expect(r.code).toBe(2);
    r = await run(['ghost']);
    expect(r.code).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { ageWeeks, isAlive } from '../../src/apps/subjects/age.ts';
import { genotypeTestString, inheritedZygosity, zygositiesFromTests, zygosityString } from '../../src/apps/subjects/genotype.ts';
import { appendHistory } from '../../src/apps/subjects/history.ts';
import { NICKNAME_RE, breedingPairAutoname, litterAutoname, needsAutoname, subjectAutoname } from '../../src/apps/subjects/naming.ts';

describe('subject rules', () => {
  it('computes age in whole weeks up to death or today', () => {
    expect(ageWeeks(null, null, '2024-03-12')).toBe(0);
    expect(ageWeeks('2024-01-10', null, '2024-03-12')).toBe(8);
    expect(ageWeeks('2024-01-10', '2024-01-23', '2024-03-12')).toBe(1);
    expect(ageWeeks('2024-01-10', '2024-01-16', '2030-01-01')).toBe(0);
  });

  it('is alive without a death date or with one in the future', () => {
    expect(isAlive(null, '2024-03-12')).toBe(true);
    expect(isAlive('2024-03-13', '2024-03-12')).toBe(true);
    expect(isAlive('2024-03-12', '2024-03-12')).toBe(false);
    expect(isAlive('2023-01-01', '2024-03-12')).toBe(false);
  });

  it('checks nicknames like Python \\w plus dot and hyphen', () => {
    for (const ok of ['ZM_1745', 'a.b-c', 'Müller_1', '数字1']) expect(NICKNAME_RE.test(ok)).toBe(true);
    for (const bad of ['bad name!', '', 'a/b', "x'y", 'a;b']) expect(NICKNAME_RE.test(bad)).toBe(false);
  });

  it('builds automatic names from the line nickname', () => {
    expect(subjectAutoname('KHA', 7)).toBe('KHA_0007');
    expect(litterAutoname('KHA', 4)).toBe('KHA_L_004');
    expect(breedingPairAutoname('KHA', 12)).toBe('KHA_BP_012');
    expect(needsAutoname('-')).toBe(true);
    expect(needsAutoname('')).toBe(true);
    expect(needsAutoname('x')).toBe(false);
  });

  it('appends history entries only for changed fields, keeping other json keys', () => {
    const json = { a: 1, history: { cage: [{ date_time: 't0', value: 'None' }] } };
    const out = appendHistory(
      json,
      [
        { field: 'cage', old: 'C1', new: 'C2' },
        { field: 'nickname', old: 'x', new: 'x' },
        { field: 'responsible_user', old: null, new: 'u' },
      ],
      '2024-01-05T10:29:02.071468',
    );
    expect(out).toEqual({
      a: 1,
      history: {
        cage: [
          { date_time: 't0', value: 'None' },
          { date_time: '2024-01-05T10:29:02.071468', value: 'C1' },
        ],
        responsible_user: [{ date_time: '2024-01-05T10:29:02.071468', value: 'None' }],
      },
    });
    expect(json.history.cage).toHaveLength(1);
    expect(appendHistory(null, [{ field: 'cage', old: null, new: null }], 't')).toBeNull();
    expect(appendHistory([1], [{ field: 'cage', old: null, new: 'a' }], 't')).toEqual({
      history: { cage: [{ date_time: 't', value: 'None' }] },
    });
  });

  it('formats genotypes', () => {
    expect(zygosityString('Ai95', 1)).toBe('Ai95 +/-');
    expect(zygosityString('Cre', 3)).toBe('Cre +');
    expect(genotypeTestString([{ sequence: 'SeqB', result: 1 }, { sequence: 'SeqA', result: 0 }])).toBe('-SeqA,SeqB');
  });

  it('applies the first matching zygosity rule per allele', () => {
    const rules = [
      { allele: 'A', sequence0: 's0', sequence0_result: 1, sequence1: 's1', sequence1_result: 1, zygosity: 2 },
      { allele: 'A', sequence0: 's0', sequence0_result: 1, sequence1: null, sequence1_result: null, zygosity: 1 },
      { allele: 'B', sequence0: 's1', sequence0_result: 0, sequence1: null, sequence1_result: null, zygosity: 0 },
    ];
    expect([...zygositiesFromTests(rules, new Map([['s0', 1], ['s1', 1]]))]).toEqual([['A', 2]]);
    expect([...zygositiesFromTests(rules, new Map([['s0', 1], ['s1', 0]]))]).toEqual([['A', 1], ['B', 0]]);
    expect([...zygositiesFromTests(rules, new Map())]).toEqual([]);
  });

  it('inherits zygosities from the parents', () => {
    expect(inheritedZygosity(2, 2)).toBe(2);
    expect(inheritedZygosity(2, 1)).toBe(3);
    expect(inheritedZygosity(2, 0)).toBe(1);
    expect(inheritedZygosity(null, null)).toBe(0);
    expect(inheritedZygosity(null, 2)).toBe(1);
    expect(inheritedZygosity(1, 1)).toBeNull();
  });
});

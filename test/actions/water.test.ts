// Water-control formulas (spec-core §4.2), checked against values worked out by hand in comments.
import { describe, expect, it } from 'vitest';
import {
  WaterControl,
  WaterDataError,
  convertNaive,
  expectedWeightMeanSd,
  naiveMs,
  type WaterInputs,
} from '../../src/apps/actions/water.ts';

const at = (s: string) => naiveMs(s);
const base = (over: Partial<WaterInputs>): WaterInputs => ({
  nickname: 'mouse',
  birthDate: null,
  sex: 'F',
  referenceWeightPct: 0,
  zscoreWeightPct: 0,
  serverTimeZone: 'UTC',
  labTimeZone: 'UTC',
  now: Date.UTC(2024, 2, 13, 15, 0, 0),
  surgeries: [],
  restrictions: [],
  administrations: [],
  weighings: [],
  ...over,
});

describe('reference growth curves', () => {
  it('reads the female and male tables and clamps ages to their range', () => {
    expect(expectedWeightMeanSd('F', 4)).toEqual([14.1, 1.8]);
    expect(expectedWeightMeanSd('F', 0)).toEqual([14.1, 1.8]);
    expect(expectedWeightMeanSd('F', 19)).toEqual([23.5, 2.3]);
    expect(expectedWeightMeanSd('F', 500)).toEqual([23.6, 2.3]);
    expect(expectedWeightMeanSd('M', 8)).toEqual([24.0, 1.5]);
    expect(expectedWeightMeanSd('M', 200)).toEqual([31.8, 2.5]);
    // anything but "M" uses the female table
    expect(expectedWeightMeanSd('U', 8)).toEqual([18.7, 1.2]);
    expect(expectedWeightMeanSd('', 8)).toEqual([18.7, 1.2]);
  });
});

describe('z-score lab, female with implant (spec §6.11)', () => {
  // born 2024-01-10 (12:00); implant 1.5 g on 03-01; restriction from 03-11 09:00 with 21.0 g.
  const wc = new WaterControl(
    base({
      nickname: 'ZM_1745',
      birthDate: '2024-01-10',
      sex: 'F',
      zscoreWeightPct: 0.8,
      surgeries: [{ start_time: '2024-03-01 10:00:00', implant_weight: 1.5 }],
      restrictions: [{ start_time: '2024-03-11 09:00:00', end_time: null, reference_weight: 21.0 }],
      weighings: [
        { date_time: '2024-03-12 10:00:00', weight: 19.8 },
        { date_time: '2024-03-13 10:00:00', weight: 19.5 },
      ],
      administrations: [
        { date_time: '2024-03-12 17:00:00', water_administered: 0.6, session: 'e5d1c6a2-8f7b-4e3a-9d2c-1b0a9f8e7d65' },
        { date_time: '2024-03-12 18:00:00', water_administered: 0.3, session: null },
      ],
    }),
  );

  it('gives the records of the spec, exactly', () => {
    // day 1: reference age = (03-11 09:00 - 01-10 12:00).days = 60 → 8 weeks: mean 18.7, sd 1.2
    //   z = (21.0 - 1.5 - 18.7) / 1.2 = 0.6667; age at 03-12 12:00 = 62 days → 8 weeks
    //   zscore weight = 1.2 z + 18.7 = 19.5; expected = 19.5 + 1.5 = 21.0
    //   min = 19.5 × 0.8 + 1.5 = 17.1; % = 100 (19.8 - 1.5) / (21.0 - 1.5) = 93.846
    //   limit = 0.8 (21.0 - 1.5) + 1.5 = 17.1 ≤ 19.8 → water = 0.04 (19.8 - 1.5) = 0.732
    // day 2: age 63 days → 9 weeks: mean 19.3 → zscore = 0.8 + 19.3 = 20.1; expected 21.6
    //   min = 20.1 × 0.8 + 1.5 = 17.58; % = 100 × 18.0 / 20.1 = 89.552; water = 0.04 × 18 = 0.72
    expect(wc.records('2024-03-12', '2024-03-13')).toEqual([
      {
        date: '2024-03-12', weight: 19.8, weighing_at: 19.8, reference_weight: 19.5, expected_weight: 21.0,
        min_weight: 17.1, percentage_weight: 93.84615384615384, given_water_reward: 0.6,
        given_water_supplement: 0.3, given_water_total: 0.8999999999999999, expected_water: 0.7320000000000001,
        excess_water: 0.16799999999999982, is_water_restricted: true, implant_weight: 1.5,
      },
      {
        date: '2024-03-13', weight: 19.5, weighing_at: 19.5, reference_weight: 19.5, expected_weight: 21.6,
        min_weight: 17.580000000000002, percentage_weight: 89.55223880597015, given_water_reward: 0,
        given_water_supplement: 0, given_water_total: 0, expected_water: 0.72, excess_water: -0.72,
        is_water_restricted: true, implant_weight: 1.5,
      },
    ]);
  });

  it('summarises the subject today (2024-03-13 15:00)', () => {
    expect(wc.subjectSummary()).toEqual({
      reference_weight: 19.5,
      last_water_restriction: '2024-03-11T09:00:00',
      expected_water: 0.72,
      remaining_water: 0.72,
    });
    expect(wc.referenceImplantWeightAt(at('2024-03-12 00:00'))).toBe(1.5);
    expect(wc.minPercentage()).toBe(80);
    expect(wc.weightStatus(at('2024-03-13 12:00'))).toBe(0); // 89.6 % ≥ 80 % + 2 %
  });

  it('starts the default table at the first weighing or water administration', () => {
    const rows = wc.records();
    expect(rows.map((r) => r.date)).toEqual(['2024-03-12', '2024-03-13']);
  });
});

describe('upstream worked example (spec §4.2)', () => {
  // sex U, born 2018-09-01; weighings 25 → 20 g linearly over 50 days from 2018-10-01 00:00;
  // implants 4.56 g (09-24), 0 (10-11, ignored), 7.0 g (10-26); restriction from 10-06 00:00.
  const weighings = Array.from({ length: 50 }, (_, i) => ({
    date_time: new Date(Date.UTC(2018, 9, 1 + i)).toISOString().slice(0, 19).replace('T', ' '),
    weight: 25 + ((20 - 25) * i) / 49,
  }));
  const refWeight = weighings[5].weight; // 2018-10-06: 24.4898
  const make = (rw: number, zw: number, storedRef: number) =>
    new WaterControl(
      base({
        birthDate: '2018-09-01',
        sex: 'U',
        referenceWeightPct: rw,
        zscoreWeightPct: zw,
        now: Date.UTC(2025, 0, 1, 12),
        surgeries: [
          { start_time: '2018-09-24 10:00:00', implant_weight: 4.56 },
          { start_time: '2018-10-11 10:00:00', implant_weight: 0 },
          { start_time: '2018-10-26 10:00:00', implant_weight: 7.0 },
        ],
        restrictions: [{ start_time: '2018-10-06 00:00:00', end_time: null, reference_weight: storedRef }],
        weighings,
      }),
    );

  it('computes the z-score weight: reference age 4 weeks, today clamped to week 96', () => {
    expect(refWeight).toBeCloseTo(24.4898, 4);
    const wc = make(0, 0.85, refWeight);
    // z = (24.4898 - 4.56 - 14.10) / 1.80 = 3.2388; 2.30 × 3.2388 + 23.60 = 31.04918
    expect(wc.zscoreWeight()).toBeCloseTo(31.04918, 4);
    expect(wc.expectedWeight()).toBeCloseTo(31.04918 + 7.0, 4);
    expect(wc.referenceWeight()).toBeCloseTo(19.9298, 4);
  });

  it('derives the reference weight from the last weighing when the restriction stores 0', () => {
    const wc = make(0.85, 0, 0);
    // 24.4898 (weighing of 10-06) - 4.56 (implant when the restriction started) = 19.93
    expect(wc.referenceWeight()).toBeCloseTo(19.9298, 4);
    expect(wc.expectedWeight()).toBeCloseTo(19.9298 + 7.0, 4);
  });

  it('averages both methods in a mixed lab', () => {
    const wc = make(0.425, 0.425, refWeight);
    expect(wc.expectedWeight()).toBeCloseTo((19.9298 + 31.04918) / 2 + 7.0, 4);
  });
});

describe('reference-weight lab, male without implant, missing weighing days', () => {
  // male born 2024-01-01, rw 0.8; weighed 25.0 g on 03-01, nothing on 03-02, 19.0 g on 03-03;
  // restriction 03-01 08:00 → 03-04 10:00 with no stored reference weight.
  const wc = new WaterControl(
    base({
      birthDate: '2024-01-01',
      sex: 'M',
      referenceWeightPct: 0.8,
      now: Date.UTC(2024, 2, 5, 18),
      restrictions: [{ start_time: '2024-03-01 08:00:00', end_time: '2024-03-04 10:00:00', reference_weight: 0 }],
      weighings: [
        { date_time: '2024-03-01 09:00:00', weight: 25.0 },
        { date_time: '2024-03-03 09:00:00', weight: 19.0 },
      ],
      administrations: [
        { date_time: '2024-03-02 10:00:00', water_administered: 0.5, session: null },
        { date_time: '2024-03-02 11:00:00', water_administered: null, session: null }, // ad lib
        { date_time: '2024-03-03 16:00:00', water_administered: 1.0, session: 's1' },
      ],
    }),
  );
  const rows = wc.records('2024-03-01', '2024-03-05');

  it('uses the weighing of the start day as reference, even taken after the start time', () => {
    // reference = 25.0 (same calendar day as the start); expected = 25.0; min = 0.8 × 25 = 20
    expect(rows[0]).toMatchObject({ weight: 25, weighing_at: 25, reference_weight: 25, expected_weight: 25, min_weight: 20, percentage_weight: 100 });
    // limit = 0.8 × 25 = 20 ≤ 25 → 0.04 × 25 = 1.0
    expect(rows[0].expected_water).toBe(1);
  });

  it('carries the last weight over a day without weighing', () => {
    expect(rows[1]).toMatchObject({ date: '2024-03-02', weight: 25, weighing_at: null, percentage_weight: 100, given_water_supplement: 0.5, given_water_total: 0.5, given_water_reward: 0 });
    expect(rows[1].excess_water).toBeCloseTo(0.5 - 1.0, 10);
  });

  it('raises the water to 5 % of the weight below the limit', () => {
    // 19.0 < limit 20 → 0.05 × 19 = 0.95; 19 / 25 = 76 % < 80 % → status 2 (red)
    expect(rows[2]).toMatchObject({ date: '2024-03-03', weight: 19, percentage_weight: 76, given_water_reward: 1, given_water_total: 1, is_water_restricted: true });
    expect(rows[2].expected_water).toBeCloseTo(0.95, 12);
    expect(wc.weightStatus(at('2024-03-03 12:00'))).toBe(2);
  });

  it('stops at the end of the restriction', () => {
    // 03-04 12:00 is after the 10:00 end: not restricted, no reference, 0.04 × 19 water
    expect(rows[3]).toMatchObject({ is_water_restricted: false, reference_weight: 0, expected_weight: 0, min_weight: 0, percentage_weight: 0 });
    expect(rows[3].expected_water).toBeCloseTo(0.76, 12);
    expect(rows).toHaveLength(5);
    expect(wc.subjectSummary().last_water_restriction).toBeNull();
    expect(wc.weightStatus(at('2024-03-05 12:00'))).toBe(0);
  });
});

describe('implant changed during a restriction', () => {
  // female, rw 0.85; implant 2.0 g (03-01) then 3.0 g (03-07); restriction from 03-05 with 22.0 g.
  const wc = new WaterControl(
    base({
      referenceWeightPct: 0.85,
      now: Date.UTC(2024, 2, 8, 18),
      surgeries: [
        { start_time: '2024-03-07 10:00:00', implant_weight: 3.0 },
        { start_time: '2024-03-01 10:00:00', implant_weight: 2.0 },
      ],
      restrictions: [{ start_time: '2024-03-05 09:00:00', end_time: null, reference_weight: 22.0 }],
      weighings: [{ date_time: '2024-03-08 09:00:00', weight: 21.0 }],
    }),
  );

  it('removes the implant of the restriction start from the reference and adds the current one', () => {
    const d = at('2024-03-08 12:00');
    // reference = 22 - 2 = 20; expected = 20 + 3 = 23; % = 100 (21 - 3) / (23 - 3) = 90
    expect(wc.referenceWeight(d)).toBe(20);
    expect(wc.expectedWeight(d)).toBe(23);
    expect(wc.implantWeight(d)).toBe(3);
    expect(wc.referenceImplantWeightAt(d)).toBe(2);
    expect(wc.percentageWeight(d)).toBe(90);
    // min = 20 × 0.85 + 3 = 20; limit = 0.85 × 20 + 3 = 20 ≤ 21 → 0.04 × 18 = 0.72
    expect(wc.minWeight(d)).toBe(20);
    expect(wc.expectedWater(d)).toBeCloseTo(0.72, 12);
    // no z-score part without a birth date
    expect(wc.zscoreWeight(d)).toBe(0);
  });

  it('keeps the last restriction reference weight even after it ended', () => {
    const ended = new WaterControl(
      base({
        referenceWeightPct: 0.85,
        restrictions: [{ start_time: '2024-03-05 09:00:00', end_time: '2024-03-06 09:00:00', reference_weight: 22.0 }],
      }),
    );
    expect(ended.referenceWeight(at('2024-03-10 12:00'))).toBe(22);
    expect(ended.referenceWeight(at('2024-03-04 12:00'))).toBe(0);
  });
});

describe('time zones and bad data', () => {
  it('moves weighings into the lab time zone, but not restriction times', () => {
    const wc = new WaterControl(
      base({
        serverTimeZone: 'UTC',
        labTimeZone: 'America/New_York',
        now: Date.UTC(2024, 2, 13, 15),
        restrictions: [{ start_time: '2024-03-12 02:00:00', end_time: null, reference_weight: 20 }],
        weighings: [{ date_time: '2024-03-12 02:00:00', weight: 20.5 }], // 03-11 22:00 in New York (EDT)
      }),
    );
    expect(wc.weighingAt(at('2024-03-11 12:00'))).toBe(20.5);
    expect(wc.weighingAt(at('2024-03-12 12:00'))).toBeNull();
    expect(wc.waterRestrictionAt(at('2024-03-11 23:00'))).toBeNull();
    expect(wc.waterRestrictionAt(at('2024-03-12 08:00'))).toBe(at('2024-03-12 02:00'));
    expect(convertNaive(at('2024-07-01 12:00'), 'Europe/London', 'UTC')).toBe(at('2024-07-01 11:00'));
  });

  it('refuses a restriction without start time', () => {
    expect(() => new WaterControl(base({ restrictions: [{ start_time: null, end_time: null, reference_weight: 0 }] }))).toThrow(WaterDataError);
  });

  it('has nothing to start a table from without data or birth date', () => {
    expect(() => new WaterControl(base({})).records()).toThrow(WaterDataError);
    expect(new WaterControl(base({ birthDate: '2024-03-12' })).records().map((r) => r.date)).toEqual(['2024-03-12', '2024-03-13']);
  });
});

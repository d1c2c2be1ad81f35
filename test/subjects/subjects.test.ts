import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import { todayInZone } from '../../src/rest/values.ts';

let t: TestApp;
let today: string;

const LIST_KEYS = [
  'nickname',
  'url',
  'id',
  'responsible_user',
  'birth_date',
  'age_weeks',
  'death_date',
  'species',
  'sex',
  'litter',
  'strain',
  'source',
  'line',
  'projects',
  'session_projects',
  'lab',
  'genotype',
  'description',
  'alive',
  'reference_weight',
  'last_water_restriction',
  'expected_water',
  'remaining_water',
  'json',
];

function daysAgo(n: number): string {
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

beforeAll(async () => {
  t = await startTestApp();
  today = todayInZone(t.config.timeZone);
  expect((await t.post('/labs', { name: 'otherlab' })).status).toBe(201);
  expect((await t.post('/projects', { name: 'ibl_behaviour', users: ['test_admin'] })).status).toBe(201);
  await t.createUser('stocky', { is_stock_manager: true });
  await t.createUser('zmanning');
});
afterAll(async () => {
  await t?.close();
});

describe('POST /subjects', () => {
  it('creates a subject with the 24 list fields and upstream defaults', async () => {
    const r = await t.post('/subjects', {
      nickname: 'ZM_1800',
      lab: 'cortexlab',
      sex: 'M',
      birth_date: daysAgo(20),
      projects: ['ibl_behaviour'],
    });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(LIST_KEYS);
    expect(r.body).toMatchObject({
      nickname: 'ZM_1800',
      url: 'http://localhost:80/subjects/ZM_1800',
      responsible_user: 'test_admin',
      birth_date: daysAgo(20),
      age_weeks: 2,
      death_date: null,
      species: 'Laboratory mouse',
      sex: 'M',
      litter: null,
      strain: null,
      source: null,
      line: null,
      projects: ['ibl_behaviour'],
      session_projects: [],
      lab: 'cortexlab',
      genotype: [],
      description: '',
      alive: true,
      reference_weight: 0,
      last_water_restriction: null,
      expected_water: 0,
      remaining_water: 0,
      json: null,
    });
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('requires lab', async () => {
    const r = await t.post('/subjects', { nickname: 'ZM_1801' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ lab: ['This field is required.'], status_code: 400 });
  });

  it('refuses a duplicate nickname in the same lab, and for the same responsible user', async () => {
    let r = await t.post('/subjects', { nickname: 'ZM_1800', lab: 'cortexlab', responsible_user: 'zmanning' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ non_field_errors: ['The fields nickname, lab must make a unique set.'], status_code: 400 });
    r = await t.post('/subjects', { nickname: 'ZM_1800', lab: 'otherlab' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      non_field_errors: ['The fields nickname, responsible_user must make a unique set.'],
      status_code: 400,
    });
    expect((await t.get('/subjects?nickname=ZM_1800')).body.count).toBe(1);
  });

  it('validates the nickname, choices, dates and slugs', async () => {
    let r = await t.post('/subjects', { nickname: 'bad name!', lab: 'cortexlab' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      nickname: [
        'Nicknames must only contain letters, numbers, hyphens and underscores. Dots are reserved for breeding subjects.',
      ],
      status_code: 400,
    });
    r = await t.post('/subjects', {
      nickname: 'ok_1',
      lab: 'nolab',
      sex: 'X',
      birth_date: '2024-13-01',
      projects: ['nope'],
      responsible_user: 'nobody',
      species: 7,
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      responsible_user: ['Object with username=nobody does not exist.'],
      birth_date: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'],
      species: ['Object with nickname=7 does not exist.'],
      sex: ['"X" is not a valid choice.'],
      projects: ['Object with name=nope does not exist.'],
      lab: ['Object with name=nolab does not exist.'],
      status_code: 400,
    });
    r = await t.post('/subjects', { nickname: 'ok_1', lab: 'cortexlab', projects: 'ibl_behaviour' });
    expect(r.status).toBe(400);
    expect(r.body.projects).toEqual(['Expected a list of items but got type "str".']);
    expect((await t.get('/subjects?nickname=ok_1')).body.count).toBe(0);
  });

  it('answers 400 on malformed JSON and on a non-object body', async () => {
    let r = await t.request('POST', '/subjects', '{"nickname": ', { headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(/^JSON parse error - /);
    r = await t.post('/subjects', [1, 2]);
    expect(r.status).toBe(400);
    expect(r.body.non_field_errors).toEqual(['Invalid data. Expected a dictionary, but got list.']);
  });

  it('uses the IBL source by default when it exists, and accepts form bodies', async () => {
    expect((await t.post('/sources', { name: 'IBL' })).status).toBe(201);
    const r = await t.post('/subjects', { nickname: 'F_form', lab: 'cortexlab', sex: 'F' }, { form: true });
    expect(r.status).toBe(201);
    expect(r.body.source).toBe('IBL');
    expect(r.body.projects).toEqual([]);
    const other = (await t.get('/sources?name=ibl')).body.results[0];
    expect((await t.del(`/sources/${other.id}`)).status).toBe(204);
  });
});

describe('GET /subjects', () => {
  beforeAll(async () => {
    for (const [nickname, extra] of [
      ['A_dead', { death_date: daysAgo(3), responsible_user: 'stocky' }],
      ['B_future_death', { death_date: daysAgo(-5), responsible_user: 'zmanning' }],
      ['C_other_lab', { lab: 'otherlab' }],
    ] as const) {
      const body = { nickname, lab: 'cortexlab', ...extra };
      const r = await t.post('/subjects', body);
      expect(r.status).toBe(201);
    }
  });

  it('lists in the pagination envelope ordered by nickname', async () => {
    const r = await t.get('/subjects?limit=2');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual(['count', 'next', 'previous', 'results']);
    expect(r.body.count).toBe(5);
    expect(r.body.next).toBe('http://localhost:80/subjects?limit=2&offset=2');
    expect(r.body.previous).toBeNull();
    expect(r.body.results.map((s: { nickname: string }) => s.nickname)).toEqual(['A_dead', 'B_future_death']);
    expect(Object.keys(r.body.results[0])).toEqual(LIST_KEYS);
    const p2 = await t.get('/subjects?limit=2&offset=2');
    expect(p2.body.previous).toBe('http://localhost:80/subjects?limit=2');
    expect(p2.body.results.map((s: { nickname: string }) => s.nickname)).toEqual(['C_other_lab', 'F_form']);
  });

  it('matches the §6.2 query shape: lab and alive, next link with sorted keys', async () => {
    const r = await t.get('/subjects?lab=cortexlab&alive=true&limit=1');
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(3);
    expect(r.body.next).toBe('http://localhost:80/subjects?alive=true&lab=cortexlab&limit=1&offset=1');
    expect(r.body.results[0].nickname).toBe('B_future_death');
    expect(r.body.results[0].alive).toBe(true);
  });

  it('filters alive, ignoring 1/0 and junk', async () => {
    const names = async (q: string) => (await t.get(`/subjects?${q}`)).body.results.map((s: { nickname: string }) => s.nickname);
    expect(await names('alive=false')).toEqual(['A_dead']);
    expect(await names('alive=False')).toEqual(['A_dead']);
    expect(await names('alive=3')).toEqual(['A_dead']);
    expect((await names('alive=true')).length).toBe(4);
    expect((await names('alive=1')).length).toBe(5);
    expect((await names('alive=maybe')).length).toBe(5);
  });

  it('filters by stock, responsible_user, lab, project (exact, case-sensitive)', async () => {
    const names = async (q: string) => (await t.get(`/subjects?${q}`)).body.results.map((s: { nickname: string }) => s.nickname);
    expect(await names('stock=true')).toEqual(['A_dead']);
    expect(await names('stock=false')).toEqual(['B_future_death', 'C_other_lab', 'F_form', 'ZM_1800']);
    expect(await names('responsible_user=zmanning')).toEqual(['B_future_death']);
    expect(await names('lab=otherlab')).toEqual(['C_other_lab']);
    expect(await names('lab=OTHERLAB')).toEqual([]);
    expect(await names('project=ibl_behaviour')).toEqual(['ZM_1800']);
    expect(await names('nickname=zm_1800')).toEqual([]);
  });

  it('filters water_restricted, dropping dead subjects either way', async () => {
    const names = async (q: string) => (await t.get(`/subjects?${q}`)).body.results.map((s: { nickname: string }) => s.nickname);
    expect(await names('water_restricted=true')).toEqual([]);
    expect(await names('water_restricted=false')).not.toContain('A_dead');
    expect((await names('water_restricted=false')).length).toBe(4);
  });

  it('applies automatic filters with upstream messages', async () => {
    let r = await t.get('/subjects?sex=X');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ sex: ['Select a valid choice. X is not one of the available choices.'], status_code: 400 });
    r = await t.get('/subjects?sex=M');
    expect(r.body.results.map((s: { nickname: string }) => s.nickname)).toEqual(['ZM_1800']);
    r = await t.get('/subjects?species=not-a-uuid');
    expect(r.status).toBe(400);
    expect(r.body.species).toEqual(['Select a valid choice. That choice is not one of the available choices.']);
    r = await t.get('/subjects?species=60f915ba-bdf4-444a-ada0-be7ebd3c1826');
    expect(r.body.count).toBe(6 - 1);
    r = await t.get('/subjects?birth_date=yesterday');
    expect(r.status).toBe(400);
    expect(r.body.birth_date).toEqual(['Enter a valid date.']);
    r = await t.get('/subjects?protocol_number=9');
    expect(r.status).toBe(400);
    r = await t.get('/subjects?to_be_culled=false');
    expect(r.body.count).toBe(5);
    r = await t.get('/subjects?unknown_param=1');
    expect(r.body.count).toBe(5);
  });

  it('treats SQL metacharacters in filters as plain values', async () => {
    for (const q of [
      "nickname=x' or '1'='1",
      'lab=%25',
      "responsible_user=a'; drop table subjects_subject; --",
      'project=_',
      'django=nickname__icontains,%25',
    ]) {
      const r = await t.get(`/subjects?${q}`);
      expect(r.status, q).toBe(200);
      expect(r.body.count, q).toBe(0);
    }
    expect((await t.get('/subjects')).body.count).toBe(5);
  });

  it('supports the django filter over relations', async () => {
    let r = await t.get('/subjects?django=lab__name,otherlab');
    expect(r.body.results.map((s: { nickname: string }) => s.nickname)).toEqual(['C_other_lab']);
    r = await t.get('/subjects?django=~responsible_user__username,test_admin');
    expect(r.body.results.map((s: { nickname: string }) => s.nickname)).toEqual(['A_dead', 'B_future_death']);
    r = await t.get('/subjects?django=projects__name__icontains,BEHAV');
    expect(r.body.results.map((s: { nickname: string }) => s.nickname)).toEqual(['ZM_1800']);
  });
});

describe('GET/PUT/PATCH/DELETE /subjects/<nickname>', () => {
  it('returns the detail with 24 fields then weighings and water_administrations', async () => {
    const r = await t.get('/subjects/ZM_1800');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body)).toEqual([...LIST_KEYS, 'weighings', 'water_administrations']);
    expect(r.body.genotype).toEqual([]);
    expect(r.body.weighings).toEqual([]);
    expect(r.body.water_administrations).toEqual([]);
  });

  it('404s an unknown nickname with the DRF body, and a trailing slash', async () => {
    let r = await t.get('/subjects/doesnotexist');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ detail: 'No Subject matches the given query.', status_code: 404 });
    r = await t.get('/subjects/');
    expect(r.status).toBe(404);
    r = await t.patch('/subjects/doesnotexist', { description: 'x' });
    expect(r.status).toBe(404);
  });

  it('patches fields, keeps history of nickname/responsible user/cage in json', async () => {
    let r = await t.patch('/subjects/ZM_1800', { description: 'hello', json: { a: 1 } });
    expect(r.status).toBe(200);
    expect(r.body.description).toBe('hello');
    expect(r.body.json).toEqual({ a: 1 });
    r = await t.patch('/subjects/ZM_1800', { nickname: 'ZM_1800b', responsible_user: 'zmanning' });
    expect(r.status).toBe(200);
    expect(r.body.nickname).toBe('ZM_1800b');
    expect(r.body.url).toBe('http://localhost:80/subjects/ZM_1800b');
    expect(r.body.json.a).toBe(1);
    expect(r.body.json.history.nickname).toEqual([{ date_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), value: 'ZM_1800' }]);
    expect(r.body.json.history.responsible_user).toEqual([{ date_time: expect.any(String), value: t.adminId }]);
    expect((await t.get('/subjects/ZM_1800')).status).toBe(404);
  });

  it('PUT requires lab and resets the responsible user to the caller when omitted', async () => {
    let r = await t.put('/subjects/ZM_1800b', { nickname: 'ZM_1800b' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ lab: ['This field is required.'], status_code: 400 });
    r = await t.put('/subjects/ZM_1800b', { nickname: 'ZM_1800b', lab: 'cortexlab', json: r.body.json ?? null });
    expect(r.status).toBe(200);
    expect(r.body.responsible_user).toBe('test_admin');
    expect(r.body.json.history.responsible_user).toHaveLength(1);
  });

  it('ignores genotype and read-only fields on write', async () => {
    const r = await t.patch('/subjects/ZM_1800b', { genotype: ['x'], alive: false, age_weeks: 99, id: '0' });
    expect(r.status).toBe(200);
    expect(r.body.alive).toBe(true);
    expect(r.body.genotype).toEqual([]);
  });

  it('a public user may only read', async () => {
    const pub = await t.createUser('public_reader', { is_public_user: true });
    expect((await t.get('/subjects/ZM_1800b', { token: pub.token })).status).toBe(200);
    const r = await t.patch('/subjects/ZM_1800b', { description: 'x' }, { token: pub.token });
    expect(r.status).toBe(403);
    expect((await t.get('/subjects', { token: null })).status).toBe(403);
  });

  it('answers 400 (not 500) for a detail nickname shared by two labs', async () => {
    expect((await t.post('/subjects', { nickname: 'twin', lab: 'cortexlab' })).status).toBe(201);
    expect((await t.post('/subjects', { nickname: 'twin', lab: 'otherlab', responsible_user: 'zmanning' })).status).toBe(201);
    const r = await t.get('/subjects/twin');
    expect(r.status).toBe(400);
    expect(r.body.detail).toMatch(/^Several Subject objects have nickname=twin/);
    expect((await t.get('/subjects?nickname=twin')).body.count).toBe(2);
    const z = await t.post('/zygosities', { subject: 'twin', allele: 'x', zygosity: 1 });
    expect(z.status).toBe(400);
    expect(z.body.subject).toEqual(['Several objects have nickname=twin; it does not identify one.']);
    const [a, b] = (await t.get('/subjects?nickname=twin')).body.results;
    expect((await t.del(`/subjects/twin`)).status).toBe(400);
    expect(a.lab).not.toBe(b.lab);
  });

  it('deletes', async () => {
    const r = await t.post('/subjects', { nickname: 'to_delete', lab: 'cortexlab' });
    expect(r.status).toBe(201);
    expect((await t.del('/subjects/to_delete')).status).toBe(204);
    expect((await t.get('/subjects/to_delete')).status).toBe(404);
  });
});

describe('lines, automatic names and genotypes', () => {
  it('auto-names subjects of a line and copies its strain', async () => {
    expect((await t.post('/strains', { name: 'C57BL/6J' })).status).toBe(201);
    expect((await t.post('/alleles', { name: 'Ai95(RCL-GCaMP6f)', nickname: 'Ai95' })).status).toBe(201);
    expect((await t.post('/alleles', { name: 'Other allele', nickname: 'Other' })).status).toBe(201);
    let r = await t.post('/lines', {
      name: 'Ai95 x Vglut1-Cre',
      nickname: 'KHA',
      target_phenotype: 'GCaMP',
      strain: 'C57BL/6J',
      alleles: ['Ai95'],
    });
    expect(r.status).toBe(201);
    expect(r.body.lab).toBe('cortexlab');
    expect(r.body.species).toBe('Laboratory mouse');
    r = await t.post('/subjects', { lab: 'cortexlab', line: 'Ai95 x Vglut1-Cre' });
    expect(r.status).toBe(201);
    expect(r.body.nickname).toBe('KHA_0001');
    expect(r.body.strain).toBe('C57BL/6J');
    r = await t.post('/subjects', { nickname: '-', lab: 'cortexlab', line: 'Ai95 x Vglut1-Cre' });
    expect(r.body.nickname).toBe('KHA_0002');
    r = await t.get('/lines?name=kha');
    expect(r.body.results[0].subject_autoname_index).toBe(2);
  });

  it('renders genotype strings in lists (line alleles only) and objects in detail', async () => {
    expect((await t.post('/zygosities', { subject: 'KHA_0001', allele: 'Ai95', zygosity: 1 })).status).toBe(201);
    expect((await t.post('/zygosities', { subject: 'KHA_0001', allele: 'Other', zygosity: 2 })).status).toBe(201);
    let r = await t.post('/zygosities', { subject: 'KHA_0001', allele: 'Other', zygosity: 3 });
    expect(r.status).toBe(400);
    expect(r.body.non_field_errors).toEqual(['The fields subject, allele must make a unique set.']);
    r = await t.get('/subjects?nickname=KHA_0001');
    expect(r.body.results[0].genotype).toEqual(['Ai95 +/-']);
    r = await t.get('/subjects/KHA_0001');
    expect(r.body.genotype).toEqual([
      { allele: 'Ai95', zygosity: 1 },
      { allele: 'Other', zygosity: 2 },
    ]);
    r = await t.get(`/subjects?genotype=${(await t.get('/alleles?name=Other')).body.results[0].id}`);
    expect(r.body.results.map((s: { nickname: string }) => s.nickname)).toEqual(['KHA_0001']);
  });

  it('derives zygosities from genotype tests through the line rules', async () => {
    const seq = await t.post('/sequences', { name: 'SeqA', base_pairs: 'ACGT', description: 'a primer' });
    expect(seq.status).toBe(201);
    const line = (await t.get('/lines?name=KHA')).body.results[0];
    const allele = (await t.get('/alleles?name=Ai95')).body.results[0];
    expect(line.nickname).toBe('KHA');
    expect(allele.nickname).toBe('Ai95');
    // a rule: SeqA present -> Ai95 homozygous
    const rule = { line: 'Ai95 x Vglut1-Cre', allele: 'Ai95', sequence0: 'SeqA', sequence0_result: 1, zygosity: 2 };
    let r = await t.post('/zygosity-rules', rule);
    expect(r.status).toBe(201);
    // like upstream, the unique set only applies when none of its fields is null
    const full = { ...rule, sequence1: 'SeqA', sequence1_result: 0, zygosity: 0 };
    expect((await t.post('/zygosity-rules', full)).status).toBe(201);
    r = await t.post('/zygosity-rules', full);
    expect(r.status).toBe(400);
    expect(r.body.non_field_errors[0]).toMatch(/must make a unique set/);
    r = await t.post('/genotype-tests', { subject: 'KHA_0001', sequence: 'SeqA', test_result: 1 });
    expect(r.status).toBe(201);
    let detail = await t.get('/subjects/KHA_0001');
    expect(detail.body.genotype).toContainEqual({ allele: 'Ai95', zygosity: 2 });
    // changing the rule recomputes the line's subjects
    const ruleId = (await t.get('/zygosity-rules?line=Ai95 x Vglut1-Cre')).body.results.find(
      (x: { sequence1: string | null }) => x.sequence1 === null,
    ).id;
    r = await t.patch(`/zygosity-rules/${ruleId}`, { zygosity: 3 });
    expect(r.status).toBe(200);
    detail = await t.get('/subjects/KHA_0001');
    expect(detail.body.genotype).toContainEqual({ allele: 'Ai95', zygosity: 3 });
    r = await t.post('/genotype-tests', { subject: 'KHA_0001', sequence: 'SeqA', test_result: 7 });
    expect(r.status).toBe(400);
    expect(r.body.test_result).toEqual(['"7" is not a valid choice.']);
  });

  it('auto-names litters and breeding pairs and checks parent sex', async () => {
    let r = await t.post('/litters', { line: 'Ai95 x Vglut1-Cre', birth_date: daysAgo(30) });
    expect(r.status).toBe(201);
    expect(r.body.name).toBe('KHA_L_001');
    r = await t.post('/breeding-pairs', { line: 'Ai95 x Vglut1-Cre', father: 'F_form' });
    expect(r.status).toBe(400);
    expect(r.body.father).toEqual(['The father must be a male subject.']);
    r = await t.post('/breeding-pairs', { line: 'Ai95 x Vglut1-Cre', mother1: 'F_form', start_date: daysAgo(60) });
    expect(r.status).toBe(201);
    expect(r.body.name).toBe('KHA_BP_001');
    expect((await t.get('/breeding-pairs?current=true')).body.count).toBe(1);
    r = await t.patch('/subjects/KHA_0002', { litter: 'KHA_L_001' });
    expect(r.body.litter).toBe('KHA_L_001');
    r = await t.get('/litters?name=KHA');
    expect(r.body.results[0].subjects).toEqual(['KHA_0002']);
  });

  it('links a subject request when the responsible user changes', async () => {
    let r = await t.post('/subject-requests', { user: 'zmanning', line: 'Ai95 x Vglut1-Cre', count: 2 });
    expect(r.status).toBe(201);
    expect(r.body.status).toBe('Open');
    expect(r.body.remaining).toBe(2);
    const reqId = r.body.id;
    r = await t.patch('/subjects/KHA_0002', { responsible_user: 'zmanning' });
    expect(r.status).toBe(200);
    r = await t.get(`/subject-requests/${reqId}`);
    expect(r.body.remaining).toBe(1);
  });
});

describe('delegation (4.12)', () => {
  it('filters the subjects a user may act on', async () => {
    const a = await t.createUser('deleg_a');
    const b = await t.createUser('deleg_b');
    expect((await t.post('/subjects', { nickname: 'of_a', lab: 'cortexlab', responsible_user: 'deleg_a' })).status).toBe(201);
    expect((await t.post('/subjects', { nickname: 'of_b', lab: 'cortexlab', responsible_user: 'deleg_b' })).status).toBe(201);
    // B.allowed_users = {A}: A may act on B's subjects, not the reverse
    expect((await t.patch('/users/deleg_b', { allowed_users: ['deleg_a'] })).status).toBe(200);
    const names = async (q: string) => (await t.get(`/subjects?${q}`)).body.results.map((s: { nickname: string }) => s.nickname);
    expect(await names('allowed_for=deleg_a')).toEqual(['of_a', 'of_b']);
    expect(await names('allowed_for=deleg_b')).toEqual(['of_b']);
    expect((await names('allowed_for=stocky')).length).toBe((await t.get('/subjects')).body.count);
    expect(await names('allowed_for=nobody')).toEqual([]);
    expect(a.id).not.toBe(b.id);
  });
});

describe('/projects', () => {
  it('lists with the §6.12 shape', async () => {
    const r = await t.get('/projects');
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([{ name: 'ibl_behaviour', description: '', users: ['test_admin'] }]);
  });

  it('defaults users to the caller on JSON, [] on forms', async () => {
    let r = await t.post('/projects', { name: 'p_json' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ name: 'p_json', description: '', users: ['test_admin'] });
    r = await t.post('/projects', { name: 'p_form' }, { form: true });
    expect(r.status).toBe(201);
    expect(r.body.users).toEqual([]);
  });

  it('refuses duplicates and unknown users, 404s unknown names', async () => {
    let r = await t.post('/projects', { name: 'p_json' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ name: ['project with this name already exists.'], status_code: 400 });
    r = await t.post('/projects', { name: 'p2', users: ['ghost'] });
    expect(r.status).toBe(400);
    expect(r.body.users).toEqual(['Object with username=ghost does not exist.']);
    r = await t.get('/projects/nothere');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ detail: 'No Project matches the given query.', status_code: 404 });
  });

  it('updates, and has no filters (not even django)', async () => {
    let r = await t.patch('/projects/p_json', { description: 'desc', users: ['zmanning', 'test_admin'] });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ name: 'p_json', description: 'desc', users: ['test_admin', 'zmanning'] });
    r = await t.get('/projects?django=name,nothing');
    expect(r.body.count).toBe(3);
    expect((await t.del('/projects/p_form')).status).toBe(204);
  });

  it('shows session projects only through sessions (none here)', async () => {
    const r = await t.get('/subjects/ZM_1800b');
    expect(r.body.session_projects).toEqual([]);
  });
});

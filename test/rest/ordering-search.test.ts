// ?ordering= (DRF's OrderingFilter) on every list endpoint and ?search= (SearchFilter) on the
// resources whose admin section declares search fields (src/rest/admin.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apps } from '../../src/apps/index.ts';
import { sortableColumns } from '../../src/rest/admin.ts';
import { startTestApp, type TestApp } from '../helpers.ts';
import { countQueries } from '../helpers-queries.ts';

let t: TestApp;
const listed = [...new Map(apps.flatMap((a) => a.resources).filter((r) => r.actions.includes('list')).map((r) => [r.path, r])).values()];

async function ok(url: string) {
  const res = await t.get(url);
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

beforeAll(async () => {
  t = await startTestApp();
  const post = async (url: string, body: Record<string, unknown>) => {
    const res = await t.post(url, body);
    expect(res.status, `${url} ${JSON.stringify(res.body)}`).toBe(201);
    return res.body;
  };
  await t.createUser('alice', { first_name: 'Alice', last_name: 'Smith' });
  await t.createUser('bob', { first_name: 'Bob', last_name: 'Jones' });
  for (const name of ['lab_a', 'lab_b']) await post('/labs', { name });
  for (const name of ['proj_a', 'proj_b']) await post('/projects', { name });
  await post('/subjects', { nickname: 'S_ALPHA', lab: 'lab_a', sex: 'F', birth_date: '2024-01-10', responsible_user: 'alice', projects: ['proj_a'] });
  await post('/subjects', { nickname: 'S_BETA', lab: 'lab_b', sex: 'M', birth_date: '2023-05-01', responsible_user: 'bob', projects: ['proj_b'] });
  await post('/subjects', { nickname: 'S_GAMMA', lab: 'lab_a', sex: 'M', birth_date: '2024-06-01', responsible_user: 'bob' });
  const sessions = [];
  for (const [i, subject] of ['S_ALPHA', 'S_BETA'].entries()) {
    sessions.push(await post('/sessions', { subject, start_time: `2024-03-1${i}T10:00:00`, number: i + 1, lab: 'lab_a', task_protocol: `proto_${i}` }));
    await post('/weighings', { subject, weight: 20 + i, date_time: `2024-03-1${i}T09:00:00` });
    await post('/water-administrations', { subject, water_administered: 0.5 + i, date_time: `2024-03-1${i}T11:00:00` });
    await post('/water-restrictions', { subject, start_time: `2024-03-0${i + 1}T08:00:00`, reference_weight: 20 + i });
  }
  for (const name of ['repo_a', 'repo_b']) await post('/data-repository', { name, hostname: name });
  for (const name of ['type_a', 'type_b']) await post('/data-repository-type', { name });
  for (const [i, name] of ['fmt_a', 'fmt_b'].entries()) await post('/data-formats', { name, file_extension: `.x${i}` });
  for (const [i, name] of ['dtype.a', 'dtype.b'].entries()) await post('/dataset-types', { name, filename_pattern: `*${i}*` });
  for (const name of ['rev_a', 'rev_b']) await post('/revisions', { name });
  for (const name of ['tag_a', 'tag_b']) await post('/tags', { name });
});
afterAll(async () => t.close());

describe('?ordering=', () => {
  it('answers 400 DRF-shaped on an unknown field, naming the allowed ones', async () => {
    const res = await t.get('/subjects?ordering=-nickname,nope');
    expect(res.status).toBe(400);
    expect(res.body.status_code).toBe(400);
    expect(res.body.ordering[0]).toMatch(/^Invalid ordering field\(s\): nope\. Allowed: nickname, /);
    // a field that is not a column (many-to-many) is not sortable
    expect((await t.get('/subjects?ordering=projects')).status).toBe(400);
  });

  it('orders, with ties broken by the primary key, and pages consistently', async () => {
    const asc = await ok('/subjects?ordering=sex,nickname');
    expect(asc.results.map((s: { nickname: string }) => s.nickname)).toEqual(['S_ALPHA', 'S_BETA', 'S_GAMMA']);
    const desc = await ok('/subjects?ordering=-birth_date');
    expect(desc.results.map((s: { nickname: string }) => s.nickname)).toEqual(['S_GAMMA', 'S_ALPHA', 'S_BETA']);
    const p1 = await ok('/subjects?ordering=-birth_date&limit=2');
    const p2 = await ok('/subjects?ordering=-birth_date&limit=2&offset=2');
    expect([...p1.results, ...p2.results].map((s: { nickname: string }) => s.nickname)).toEqual(['S_GAMMA', 'S_ALPHA', 'S_BETA']);
    expect(p1.count).toBe(3);
    // ties (sex M twice) come out in primary-key order both ways
    const bySex = await ok('/subjects?ordering=-sex');
    const ids = [...bySex.results].slice(0, 2).map((s: { id: string }) => s.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('leaves the default order unchanged when absent or empty', async () => {
    const plain = await ok('/sessions');
    expect((await ok('/sessions?ordering=')).results).toEqual(plain.results);
    // upstream's order: newest first
    expect(plain.results.map((s: { number: number }) => s.number)).toEqual([2, 1]);
  });

  it('accepts every sortable field of every list endpoint, both ways', async () => {
    for (const r of listed) {
      for (const name of sortableColumns(r, r.admin).keys()) {
        await ok(`/${r.path}?ordering=${name}&limit=3`);
        await ok(`/${r.path}?ordering=-${name}&limit=3`);
      }
    }
  });

  it('changes the order of every list endpoint that has two records or more', async () => {
    const withoutTwo: string[] = [];
    for (const r of listed) {
      const plain = await ok(`/${r.path}?limit=1000`);
      const rows = plain.results as Array<Record<string, unknown>>;
      if (rows.length < 2) {
        withoutTwo.push(r.path);
        continue;
      }
      // a sortable field whose values tell the rows apart
      const field = [...sortableColumns(r, r.admin).keys()].find((f) => {
        const values = rows.map((x) => JSON.stringify(x[f]));
        return values.every((v) => v !== undefined && v !== 'null') && new Set(values).size === values.length;
      });
      expect(field, `${r.path}: no distinct sortable field`).toBeDefined();
      const up = (await ok(`/${r.path}?ordering=${field}&limit=1000`)).results.map((x: Record<string, unknown>) => JSON.stringify(x[field!]));
      const down = (await ok(`/${r.path}?ordering=-${field}&limit=1000`)).results.map((x: Record<string, unknown>) => JSON.stringify(x[field!]));
      if (plain.count === rows.length) expect(down, `${r.path} by ${field}`).toEqual([...up].reverse());
      else expect(down.slice(0, 5), `${r.path} by ${field}`).not.toEqual(up.slice(0, 5)); // more than a page
      expect(down).not.toEqual(up);
    }
    // the fixtures give the main resources two records or more
    for (const path of ['subjects', 'sessions', 'weighings', 'water-administrations', 'water-restrictions', 'labs', 'users', 'projects', 'dataset-types', 'tags']) {
      expect(withoutTwo).not.toContain(path);
    }
  });

  it('sends the requested ORDER BY (then the primary key) for every list endpoint', async () => {
    const counter = countQueries(t);
    try {
      for (const r of listed) {
        const [name, col] = [...sortableColumns(r, r.admin).entries()][0];
        counter.reset();
        await ok(`/${r.path}?ordering=-${name}&limit=3`);
        const statement = counter.statements.find((q) => /\blimit\b/i.test(q) && q.includes(`from "${(r.table as unknown as Record<symbol, string>)[Symbol.for('drizzle:Name')]}"`));
        expect(statement, `${r.path}: ${counter.statements.join('\n')}`).toBeDefined();
        expect(statement!.replace(/\s+/g, ' '), r.path).toMatch(new RegExp(`order by "[a-z_]+"\\."${col.name}" desc, "[a-z_]+"\\."[a-z_]+" asc limit`));
      }
    } finally {
      counter.stop();
    }
  });
});

describe('?search=', () => {
  const nick = (body: { results: Array<{ nickname: string }> }) => body.results.map((s) => s.nickname).sort();

  it('matches any declared field, case-insensitively, across relations', async () => {
    expect(nick(await ok('/subjects?search=alpha'))).toEqual(['S_ALPHA']);
    expect(nick(await ok('/subjects?search=JONES'))).toEqual(['S_BETA', 'S_GAMMA']); // responsible user's last name
    expect(nick(await ok('/subjects?search=proj_b'))).toEqual(['S_BETA']); // project name
    expect(nick(await ok('/subjects?search=lab_a'))).toEqual(['S_ALPHA', 'S_GAMMA']);
  });

  it('requires every word to match', async () => {
    expect(nick(await ok('/subjects?search=lab_a%20bob'))).toEqual(['S_GAMMA']);
    expect(nick(await ok('/subjects?search=lab_a,jones'))).toEqual(['S_GAMMA']);
    expect(nick(await ok('/subjects?search=lab_b%20alice'))).toEqual([]);
  });

  it('combines with filters, ordering and pagination', async () => {
    const res = await ok('/subjects?search=s_&sex=M&ordering=-nickname&limit=1');
    expect(res.count).toBe(2);
    expect(res.results.map((s: { nickname: string }) => s.nickname)).toEqual(['S_GAMMA']);
    const sessions = await ok('/sessions?search=s_beta');
    expect(sessions.results.map((s: { subject: string }) => s.subject)).toEqual(['S_BETA']);
  });

  it('escapes LIKE wildcards and keeps the whole list for an empty search', async () => {
    expect(nick(await ok('/subjects?search=%25'))).toEqual([]);
    expect(nick(await ok('/subjects?search='))).toHaveLength(3);
  });
});

describe('admin inlines', () => {
  it("select the children of a record through the child's filter", async () => {
    let checked = 0;
    for (const r of listed.filter((x) => x.admin?.inlines?.length)) {
      const [parent] = (await ok(`/${r.path}?limit=1`)).results as Array<Record<string, unknown>>;
      if (!parent) continue;
      for (const inline of r.admin!.inlines!) {
        // (a resource without its lookup field, such as datasets, names itself by its url)
        const value = parent[inline.value ?? r.lookup] ?? String(parent.url).split('/').pop();
        await ok(`/${inline.resource}?${inline.field}=${encodeURIComponent(String(value))}&limit=1`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(13); // subjects (8) and sessions (5) have records in the fixtures
    // the subject's weighings are its own
    const w = await ok('/weighings?nickname=S_BETA');
    expect(w.results.map((x: { subject: string }) => x.subject)).toEqual(['S_BETA']);
  });
});

describe('OpenAPI', () => {
  it('documents ordering on every list and search where declared', async () => {
    const doc = (await t.get('/api/schema?format=json')).body ?? JSON.parse((await t.get('/api/schema?format=json')).text);
    const params = (p: string) => (doc.paths[p].get.parameters as Array<{ name: string; description?: string }>);
    const subjects = params('/subjects');
    expect(subjects.find((p) => p.name === 'ordering')?.description).toMatch(/nickname/);
    expect(subjects.find((p) => p.name === 'search')).toMatchObject({ in: 'query', required: false, schema: { type: 'string' } });
    expect(params('/water-restricted-subjects').find((p) => p.name === 'search')).toBeUndefined();
    expect(params('/water-restricted-subjects').find((p) => p.name === 'ordering')).toBeDefined();
  });
});

// Secrets are not data: no filter path reaches a password hash, token key or session key, whatever
// the lookup, the path kind or whether the guessed prefix matches (issue 9).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startTestApp, type TestApp } from '../helpers.ts';
import { users } from '../../src/apps/misc/tables.ts';
import { column, many, related } from '../../src/rest/fields.ts';
import { authTokens, webSessions } from '../../src/apps/misc/tables.ts';
import { projects } from '../../src/apps/subjects/tables.ts';
import { autoFilters } from '../../src/rest/filters.ts';

let t: TestApp;
let victim: { id: string; token: string };
let reader: { id: string; token: string };
let passwordHash: string;

beforeAll(async () => {
  t = await startTestApp();
  victim = await t.createUser('victim');
  reader = await t.createUser('reader', { is_public_user: true });
  const [row] = await t.services.db.select({ p: users.password }).from(users).where(eq(users.id, victim.id));
  passwordHash = row.p;
  const proj = await t.post('/projects', { name: 'p1', users: ['victim'] });
  expect(proj.status).toBe(201);
  const subj = await t.post('/subjects', { nickname: 's1', lab: 'cortexlab', responsible_user: 'victim', projects: ['p1'] });
  expect(subj.status).toBe(201);
  // a web session of the victim
  await t.services.db.insert(webSessions).values({ key: 'sessionkeyabcdef', user: victim.id, expires: '2999-01-01 00:00:00' });
});
afterAll(async () => t?.close());

/** [path on the endpoint, lookup template with {v}, value that matches, value that does not]. */
function cases(): Array<[string, string, string, string]> {
  const tk = victim.token;
  const pw = passwordHash;
  const rows: Array<[string, string, string, string]> = [];
  const forms = (prefix: string, secret: string) => {
    const bad = secret[0] === 'z' ? 'y' : 'z';
    rows.push(
      [prefix, 'startswith', secret.slice(0, 3), bad + 'q'],
      [prefix, 'istartswith', secret.slice(0, 3), bad + 'q'],
      [prefix, 'contains', secret.slice(2, 6), bad + 'qq'],
      [prefix, 'icontains', secret.slice(2, 6), bad + 'qq'],
      [prefix, 'endswith', secret.slice(-3), bad + 'q'],
      [prefix, 'regex', `^${secret.slice(0, 2)}`, `^${bad}q`],
      [prefix, 'iregex', `^${secret.slice(0, 2)}`, `^${bad}q`],
      [prefix, 'gt', '0', '~~~~'],
      [prefix, 'lt', '~~~~', '0'],
      [prefix, 'exact', secret, bad],
      [prefix, 'iexact', secret, bad],
      [prefix, 'in', `[${JSON.stringify(secret)}]`, `["${bad}"]`],
      [prefix, 'isnull', 'False', 'True'],
      [prefix, 'range', `("0","~")`, `("~","~~")`],
    );
  };
  forms('/users?django=password__', pw);
  forms('/users?django=~password__', pw);
  forms('/users?django=token__key__', tk);
  forms('/users?django=token__', tk);
  forms('/users?django=token__pk__', tk);
  forms('/users?django=websession__key__', 'sessionkeyabcdef');
  forms('/subjects?django=responsible_user__password__', pw);
  forms('/subjects?django=responsible_user__token__key__', tk);
  forms('/subjects?django=~responsible_user__token__key__', tk);
  forms('/subjects?django=projects__users__password__', pw);
  forms('/subjects?django=projects__users__token__key__', tk);
  forms('/users?django=project__users__password__', pw);
  forms('/users?django=subjects_responsible__responsible_user__password__', pw);
  return rows;
}

describe('secret fields in django= filters', () => {
  it('every lookup form and path kind is a 400 naming the field, the same whether the guess matches or not', async () => {
    for (const [prefix, lookup, hit, miss] of cases()) {
      // `token__isnull` asks whether the relation exists (no column of the token): not a secret
      if (prefix.endsWith('?django=token__') && lookup === 'isnull') continue;
      for (const token of [reader.token, t.adminToken]) {
        const a = await t.get(`${prefix}${lookup},${encodeURIComponent(hit)}`, { token });
        const b = await t.get(`${prefix}${lookup},${encodeURIComponent(miss)}`, { token });
        expect([prefix + lookup, a.status]).toEqual([prefix + lookup, 400]);
        expect(b.status).toBe(400);
        expect(a.body).toEqual(b.body);
        expect(a.body.django[0]).toMatch(/^Filtering on (LabMember\.password|Token\.(key|pk)|WebSession\.key) is not allowed: it is a secret field\.$/);
        expect(a.text).not.toContain(victim.token);
        expect(a.text).not.toContain(passwordHash);
      }
    }
  });

  it('transforms on a secret are refused too', async () => {
    const r = await t.get('/users?django=password__date__gt,2020-01-01', { token: reader.token });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ django: ['Filtering on LabMember.password is not allowed: it is a secret field.'], status_code: 400 });
  });

  it('a django= filter on ordinary fields of the same models still works', async () => {
    const r = await t.get('/subjects?django=responsible_user__username,victim');
    expect(r.status).toBe(200);
    expect(r.body.results.map((s: { nickname: string }) => s.nickname)).toEqual(['s1']);
    const u = await t.get('/users?django=project__name,p1');
    expect(u.status).toBe(200);
    const names = (u.body.results ?? u.body).map((x: { username: string }) => x.username);
    expect(names).toEqual(['victim']);
  });

  it('the choices of an unknown keyword do not list secret fields', async () => {
    const r = await t.get('/users?django=nope,1');
    expect(r.status).toBe(400);
    expect(r.body.django[0]).toContain('Choices are:');
    expect(r.body.django[0]).not.toContain('password');
  });
});

describe('secret fields in query parameters and declarations', () => {
  it('a query parameter naming a secret column is a 400, whatever the value', async () => {
    for (const q of [`password=${encodeURIComponent(passwordHash)}`, 'password=x', 'password__startswith=p']) {
      const r = await t.get(`/users?${q}`, { token: reader.token });
      expect(r.status).toBe(400);
      expect(Object.values(r.body)[0]).toEqual(['Filtering on LabMember.password is not allowed: it is a secret field.']);
    }
  });

  it('automatic filters never include a secret column; naming one is refused at declaration', () => {
    expect(Object.keys(autoFilters(users, true))).not.toContain('password');
    expect(Object.keys(autoFilters(authTokens, true))).toEqual(['user', 'created']);
    expect(() => autoFilters(users, ['password'])).toThrow(/secret/);
  });

  it('a field rendering a secret column, or naming related rows by one, is refused at declaration', () => {
    expect(() => column(users.password)).toThrow(/secret/);
    expect(() => column(authTokens.key)).toThrow(/secret/);
    expect(() => column(users.password, { writeOnly: true })).not.toThrow();
    expect(() => related(authTokens.user, users, { slug: 'password' })).toThrow(/secret/);
    const f = many(projects, 'users', { slug: 'password' });
    return expect(f.render([], {} as never)).rejects.toThrow(/secret/);
  });

  it('no response of the user endpoints holds the password hash or the token', async () => {
    for (const url of ['/users', `/users/victim`, '/users?django=username,victim', '/projects', '/subjects']) {
      const r = await t.get(url);
      expect(r.status).toBe(200);
      expect(r.text).not.toContain(passwordHash);
      expect(r.text).not.toContain(victim.token);
    }
  });
});

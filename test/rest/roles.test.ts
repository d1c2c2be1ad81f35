// Roles, one rulebook (src/rest/permissions.ts): the role matrix over REST in both policies
// (ALYX_REST_POLICY upstream / lab), refusals naming their rule, and decide() / uiLoginAllowed for the UI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers.ts';
import type { users } from '../../src/apps/misc/tables.ts';
import { decide, uiLoginAllowed, type DecisionUser } from '../../src/rest/permissions.ts';

const ROLES: Record<string, Partial<typeof users.$inferInsert>> = {
  public: { is_public_user: true },
  member: {},
  stock: { is_staff: true, is_stock_manager: true },
  staff: { is_staff: true },
  superuser: { is_staff: true, is_superuser: true },
};
const OPS = ['read', 'create', 'update own subject', "update other's subject", 'delete own subject', 'repository http_auth', 'own user flags'] as const;
type Op = (typeof OPS)[number];

// Y: allowed, N: refused with a 403
const EXPECTED: Record<'upstream' | 'lab', Record<string, string>> = {
  //              read create own other delete http_auth flags
  upstream: {
    public: '     Y    N      N   N     N      N         N',
    member: '     Y    Y      Y   Y     Y      N         N',
    stock: '      Y    Y      Y   Y     Y      N         N',
    staff: '      Y    Y      Y   Y     Y      N         N',
    superuser: '  Y    Y      Y   Y     Y      Y         Y',
  },
  lab: {
    public: '     Y    N      N   N     N      N         N',
    member: '     Y    N      N   N     N      N         N',
    stock: '      Y    Y      Y   Y     N      N         N',
    staff: '      Y    Y      Y   N     N      N         N',
    superuser: '  Y    Y      Y   Y     Y      Y         Y',
  },
};

for (const policy of ['upstream', 'lab'] as const) {
  describe(`role matrix, ALYX_REST_POLICY=${policy}`, () => {
    let t: TestApp;
    const tokens: Record<string, string> = {};
    beforeAll(async () => {
      t = await startTestApp({ restPolicy: policy });
      expect((await t.post('/labs', { name: 'matrixlab' })).status).toBe(201);
      expect((await t.post('/data-repository', { name: 'matrix_repo', json: { http_auth: true } })).status).toBe(201);
      for (const [role, fields] of Object.entries(ROLES)) {
        tokens[role] = (await t.createUser(`u_${role}`, fields)).token;
        for (const [nickname, owner] of [
          [`own_${role}`, `u_${role}`],
          [`del_${role}`, `u_${role}`],
          [`other_${role}`, 'test_admin'],
        ]) {
          const r = await t.post('/subjects', { nickname, lab: 'matrixlab', responsible_user: owner });
          expect(r.status).toBe(201);
        }
      }
    });
    afterAll(async () => t?.close());

    const run = async (role: string, op: Op) => {
      const token = tokens[role];
      switch (op) {
        case 'read':
          return t.get('/subjects?lab=matrixlab', { token });
        case 'create':
          return t.post('/subjects', { nickname: `new_${role}`, lab: 'matrixlab' }, { token });
        case 'update own subject':
          return t.patch(`/subjects/own_${role}`, { description: 'changed' }, { token });
        case "update other's subject":
          return t.patch(`/subjects/other_${role}`, { description: 'changed' }, { token });
        case 'delete own subject':
          return t.del(`/subjects/del_${role}`, { token });
        case 'repository http_auth': {
          const r = await t.patch('/data-repository/matrix_repo', { json: { http_auth: false } }, { token });
          if (r.status === 200) await t.patch('/data-repository/matrix_repo', { json: { http_auth: true } });
          return r;
        }
        case 'own user flags':
          return t.patch(`/users/u_${role}`, { is_stock_manager: !ROLES[role].is_stock_manager }, { token });
      }
    };

    for (const role of Object.keys(ROLES)) {
      it(`${role}: ${EXPECTED[policy][role].trim().split(/\s+/).join(' ')}`, async () => {
        const want = EXPECTED[policy][role].trim().split(/\s+/);
        const got: string[] = [];
        for (const op of OPS) {
          const r = await run(role, op);
          if (r.status >= 200 && r.status < 300) got.push('Y');
          else {
            expect([op, r.status]).toEqual([op, 403]);
            expect(r.body.detail).toMatch(role === 'public' ? /public users are read-only/ : /\(rule: [a-z-]+\)$/);
            got.push('N');
          }
        }
        expect(Object.fromEntries(OPS.map((op, i) => [op, got[i]]))).toEqual(Object.fromEntries(OPS.map((op, i) => [op, want[i]])));
      });
    }

    it('names the rule that refused', async () => {
      const http = await t.patch('/data-repository/matrix_repo', { json: { http_auth: false } }, { token: tokens.staff });
      expect(http.body).toEqual({ detail: "only superusers may change a repository's http_auth (rule: repository-http-auth-superuser-only)", status_code: 403 });
      const created = await t.post('/data-repository', { name: 'open_repo', json: { http_auth: false } }, { token: tokens.staff });
      expect(created.body.detail).toMatch(/rule: repository-http-auth-superuser-only/);
      const flags = await t.patch('/users/u_staff', { is_stock_manager: true }, { token: tokens.staff });
      expect(flags.body.detail).toMatch(/rule: user-flags-superuser-only/);
      const otherUser = await t.patch('/users/u_member', { email: 'x@example.org' }, { token: tokens.staff });
      expect(otherUser.body.detail).toBe("You can't change other users. (rule: own-user-record)");
      const newUser = await t.post('/users', { username: 'sneaky' }, { token: tokens.staff });
      expect(newUser.body.detail).toMatch(/rule: users-superuser-only/);
      // a user's own record, flags untouched, stays editable in both policies
      expect((await t.patch('/users/u_staff', { email: 'staff@example.org' }, { token: tokens.staff })).status).toBe(200);
      if (policy === 'lab') {
        const member = await t.post('/subjects', { nickname: 'member_try', lab: 'matrixlab' }, { token: tokens.member });
        expect(member.body.detail).toBe('only staff users may write (rule: lab-staff-to-write)');
        const other = await t.patch('/subjects/other_staff', { description: 'x' }, { token: tokens.staff });
        expect(other.body.detail).toMatch(/rule: lab-allowed-set/);
        const del = await t.del('/subjects/del_staff', { token: tokens.staff });
        expect(del.body.detail).toMatch(/rule: lab-no-delete/);
      }
    });

    if (policy === 'lab') {
      it("lets the responsible user's delegates change a subject, but only the owner hand it over", async () => {
        const owner = await t.createUser('owner_lab', { is_staff: true });
        const delegate = await t.createUser('delegate_lab', { is_staff: true });
        expect((await t.patch('/users/owner_lab', { allowed_users: ['delegate_lab'] })).status).toBe(200);
        expect((await t.post('/subjects', { nickname: 'delegated', lab: 'matrixlab', responsible_user: 'owner_lab' })).status).toBe(201);
        expect((await t.patch('/subjects/delegated', { description: 'by delegate' }, { token: delegate.token })).status).toBe(200);
        const handover = await t.patch('/subjects/delegated', { responsible_user: 'delegate_lab' }, { token: delegate.token });
        expect(handover.body.detail).toBe('You are not allowed to change the responsible user. (rule: lab-responsible-user-change)');
        expect((await t.patch('/subjects/delegated', { responsible_user: 'delegate_lab' }, { token: owner.token })).status).toBe(200);
        // an action on the subject follows the subject's allowed set
        const stranger = await t.createUser('stranger_lab', { is_staff: true });
        const w = await t.post('/weighings', { subject: 'delegated', weight: 20, date_time: '2024-01-01T10:00:00' }, { token: stranger.token });
        expect(w.body.detail).toMatch(/rule: lab-allowed-set/);
        expect((await t.post('/weighings', { subject: 'delegated', weight: 20, date_time: '2024-01-01T10:00:00' }, { token: delegate.token })).status).toBe(201);
      });
    }
  });
}

describe('decide() and uiLoginAllowed() for the web UI', () => {
  const user = (fields: Partial<DecisionUser>): DecisionUser => ({
    id: 'u1',
    is_superuser: false,
    is_staff: false,
    is_active: true,
    is_public_user: false,
    is_stock_manager: false,
    ...fields,
  });
  it('lets active staff users into the UI (public ones read-only)', () => {
    expect(uiLoginAllowed(user({ is_staff: true }))).toBe(true);
    expect(uiLoginAllowed(user({}))).toBe(false);
    expect(uiLoginAllowed(user({ is_staff: true, is_public_user: true }))).toBe(true);
    expect(uiLoginAllowed(user({ is_staff: true, is_active: false }))).toBe(false);
    expect(decide(user({}), { action: 'login', resource: '', channel: 'ui' })).toEqual({
      allowed: false,
      rule: 'ui-login-staff',
      reason: 'the web UI is for active staff users',
    });
    expect(decide(user({}), { action: 'login', resource: '', channel: 'rest' })).toEqual({ allowed: true, rule: 'login-active' });
  });
  it('decides a write without a request', () => {
    expect(decide(user({ is_staff: true }), { action: 'update', resource: 'subjects', channel: 'ui', policy: 'lab', subject: { responsibleUser: 'u2', delegates: [] } }).rule).toBe('lab-allowed-set');
    expect(decide(user({ is_staff: true }), { action: 'update', resource: 'subjects', channel: 'ui', policy: 'lab', subject: { responsibleUser: 'u2', delegates: ['u1'] } })).toEqual({ allowed: true, rule: 'lab-member-write' });
    expect(decide(user({ is_superuser: true }), { action: 'delete', resource: 'users', channel: 'ui' })).toEqual({ allowed: true, rule: 'superuser' });
    expect(decide(null, { action: 'read', resource: 'subjects', channel: 'ui' }).allowed).toBe(false);
    // the UI defaults to upstream's admin rules, REST to upstream's REST contract
    expect(decide(user({}), { action: 'create', resource: 'subjects', channel: 'ui' }).rule).toBe('lab-staff-to-write');
    expect(decide(user({}), { action: 'create', resource: 'subjects', channel: 'rest' })).toEqual({ allowed: true, rule: 'authenticated-write' });
  });
});

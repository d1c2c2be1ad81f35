// Welfare notifications (spec-core §4.3): the underweight check on weighings, the scheduled water
// and weighing checks, recipients and rules, and delivery through SMTP to a fake mail sink that
// this test starts (a real TCP server speaking SMTP), not a mock of our code.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { notifications } from '../../src/apps/actions/tables.ts';
import {
  checkWaterRestrictedSubjects,
  createNotification,
  deleteExpiredNotifications,
  sendPendingNotifications,
} from '../../src/apps/actions/notifications.ts';
import actionsApp from '../../src/apps/actions/index.ts';
import { cli } from '../../src/apps/actions/cli.ts';
import { deliverMail, sendMail } from '../../src/apps/actions/mail.ts';
import { startTestApp, type TestApp } from '../helpers.ts';

interface Received {
  from: string;
  to: string[];
  data: string;
}

/** A minimal SMTP server: accepts everything (or refuses RCPT when `refuse` is set) and records messages. */
function startSmtpSink(): Promise<{ port: number; received: Received[]; refuse: { on: boolean }; close(): Promise<void> }> {
  const received: Received[] = [];
  const refuse = { on: false };
  const server = net.createServer((socket) => {
    socket.setEncoding('utf8');
    let buf = '';
    let inData = false;
    let current: Received = { from: '', to: [], data: '' };
    socket.write('220 sink ESMTP\r\n');
    socket.on('data', (chunk: string) => {
      buf += chunk;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          current.data = buf.slice(0, end);
          buf = buf.slice(end + 5);
          inData = false;
          received.push(current);
          current = { from: '', to: [], data: '' };
          socket.write('250 queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO' || cmd === 'HELO') socket.write('250-sink\r\n250 OK\r\n');
        else if (cmd === 'MAIL') (current.from = /<(.*)>/.exec(line)?.[1] ?? ''), socket.write('250 OK\r\n');
        else if (cmd === 'RCPT') {
          if (refuse.on) socket.write('550 no such user\r\n');
          else current.to.push(/<(.*)>/.exec(line)?.[1] ?? ''), socket.write('250 OK\r\n');
        } else if (cmd === 'DATA') (inData = true), socket.write('354 go ahead\r\n');
        else if (cmd === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        received,
        refuse,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

let t: TestApp;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
const env = () => ({ db: t.services.db, config: t.config });

beforeAll(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ smtp: { host: '127.0.0.1', port: sink.port, from: 'alyx@lab.example' } });
  expect((await t.patch('/labs/cortexlab', { reference_weight_pct: 0.85 })).status).toBe(200);
  await t.createUser('zmanning', { email: 'z@example.org' });
  await t.createUser('watcher', { email: 'w@example.org' });
  await t.createUser('quiet', { email: 'q@example.org' });
  expect((await t.post('/subjects', { nickname: 'test', lab: 'cortexlab', responsible_user: 'zmanning', birth_date: '2024-01-01' })).status).toBe(201);
  expect((await t.post('/weighings', { subject: 'test', weight: 20, date_time: '2024-06-01T08:00:00' })).status).toBe(201);
  expect((await t.post('/water-restrictions', { subject: 'test', start_time: '2024-06-01T09:00:00' })).status).toBe(201);
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

const listNotifications = async () => (await t.get('/notifications?nickname=test')).body.results;

describe('underweight check on weighings', () => {
  it('warns at 70 % and e-mails the responsible user', async () => {
    // reference 20 g, lab 0.85: 14 g = 70 % ≤ 85 % → WARNING
    expect((await t.post('/weighings', { subject: 'test', weight: 14 })).status).toBe(201);
    const list = await listNotifications();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ notification_type: 'mouse_underweight', status: 'sent', users: ['zmanning'] });
    expect(list[0].title).toMatch(/^WARNING: test weight was 70\.0% on \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    expect(list[0].sent_at).not.toBeNull();
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0].from).toBe('alyx@lab.example');
    expect(sink.received[0].to).toEqual(['z@example.org']);
    expect(sink.received[0].data).toContain('Subject: [alyx] WARNING: test weight was 70.0%');
    expect(sink.received[0].data).toContain('Message sent automatically - please do not reply.');
  });

  it('stays silent at 90 %, and does not repeat the same notification within an hour', async () => {
    expect((await t.post('/weighings', { subject: 'test', weight: 18 })).status).toBe(201);
    expect(await listNotifications()).toHaveLength(1);
    const subject = (await t.get('/subjects/test')).body.id;
    const first = await createNotification(env(), { type: 'mouse_water', message: 'same text', subject });
    const again = await createNotification(env(), { type: 'mouse_water', message: 'same text', subject });
    const forced = await createNotification(env(), { type: 'mouse_water', message: 'same text', subject, force: true });
    expect(first).not.toBeNull();
    expect(again).toBeNull();
    expect(forced).not.toBeNull();
    await t.services.db.delete(notifications).where(eq(notifications.title, 'same text'));
    sink.received.splice(1);
  });

  it('gives ATTENTION at 86 % to users of matching rules, not to those who opted out', async () => {
    expect((await t.post('/notification-rules', { user: 'watcher', notification_type: 'mouse_underweight', subjects_scope: 'all' })).status).toBe(201);
    expect((await t.post('/notification-rules', { user: 'zmanning', notification_type: 'mouse_underweight', subjects_scope: 'none' })).status).toBe(201);
    expect((await t.post('/weighings', { subject: 'test', weight: 17.2 })).status).toBe(201);
    const list = await listNotifications();
    expect(list).toHaveLength(2);
    expect(list[0].title).toMatch(/^ATTENTION: test weight was 86\.0% on /);
    expect(list[0].users).toEqual(['watcher']);
    expect(sink.received.at(-1)!.to).toEqual(['w@example.org']);
    expect((await t.post('/notification-rules', { user: 'watcher', notification_type: 'mouse_underweight', subjects_scope: 'all' })).body).toEqual({
      non_field_errors: ['The fields user, notification_type must make a unique set.'], status_code: 400,
    });
  });
});

describe('SMTP client', () => {
  it('dot-stuffs the body, encodes a non-ASCII subject and drops empty addresses', async () => {
    const before = sink.received.length;
    const settings = { host: '127.0.0.1', port: sink.port, from: 'alyx@lab.example' };
    expect(await sendMail(settings, { to: ['', 'a@example.org'], subject: 'Souris pesée', body: 'line 1\n.hidden\nend' })).toBe(true);
    const got = sink.received[before];
    expect(got.to).toEqual(['a@example.org']);
    expect(got.data).toContain(`Subject: =?UTF-8?B?${Buffer.from('[alyx] Souris pesée').toString('base64')}?=`);
    expect(got.data).toContain('line 1\r\n..hidden\r\nend\r\n\r\n--\r\nMessage sent automatically - please do not reply.');
    expect(await sendMail(settings, { to: ['', ' '], subject: 's', body: 'b' })).toBeNull();
    expect(await sendMail(null, { to: ['a@example.org'], subject: 's', body: 'b' })).toBeNull();
  });

  it('never sends a password over a connection without STARTTLS, and reports refused servers as failures', async () => {
    const withUser = { host: '127.0.0.1', port: sink.port, from: 'alyx@lab.example', user: 'u', password: 'p' };
    const before = sink.received.length;
    expect(await sendMail(withUser, { to: ['a@example.org'], subject: 's', body: 'b' })).toBe(false);
    expect(sink.received.length).toBe(before);
    const closed = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(port));
      });
    });
    expect(await sendMail({ host: '127.0.0.1', port: closed, from: 'x@y' }, { to: ['a@example.org'], subject: 's', body: 'b' })).toBe(false);
  });
});

describe('scheduled checks and sending', () => {
  it('notifies missing water after 23 h and a missing weighing (§4.3 tests)', async () => {
    await t.services.db.delete(notifications);
    const s = await t.post('/subjects', { nickname: 'thirsty', lab: 'cortexlab', responsible_user: 'zmanning' });
    expect(s.status).toBe(201);
    await t.post('/weighings', { subject: 'thirsty', weight: 20, date_time: '2025-01-01T08:00:00' });
    await t.post('/water-restrictions', { subject: 'thirsty', start_time: '2025-01-01T08:30:00' });
    await t.post('/water-administrations', { subject: 'thirsty', date_time: '2025-01-01T12:00:00', water_administered: 0.5 });
    const at = (iso: string) => Date.parse(iso + 'Z'); // Europe/London is UTC in January
    const water = async () =>
      (await t.get('/notifications?nickname=thirsty&notification_type=mouse_water')).body.results as Array<{ title: string; message: string }>;
    await checkWaterRestrictedSubjects({ ...env(), nowEpoch: at('2025-01-02T09:00:00') });
    await checkWaterRestrictedSubjects({ ...env(), nowEpoch: at('2025-01-02T10:00:00') });
    expect(await water()).toHaveLength(0);
    await checkWaterRestrictedSubjects({ ...env(), nowEpoch: at('2025-01-02T11:00:00') });
    const w = await water();
    expect(w).toHaveLength(1);
    // weight 20 g, no implant: 0.04 × 20 = 0.8 mL needed, nothing given on the 2nd
    expect(w[0].title).toBe('0.8 mL remaining for thirsty');
    expect(w[0].message).toContain('Last water administration: 2025-01-01 12:00:00, 0.50 mL');
    expect(w[0].message).toContain('Delay: 23.0 hours');
    const weighed = (await t.get('/notifications?nickname=thirsty&notification_type=mouse_not_weighed')).body.results;
    // no minimum delay for this type (as upstream): one per check run
    expect(weighed.map((n: { title: string }) => n.title)).toEqual(Array(3).fill('ATTENTION: subject "thirsty" weighing missing for 2025-01-02'));
  });

  it('exposes both checks as scheduled jobs of the app (the scheduler is off in tests)', async () => {
    expect(t.config.schedulerIntervalSeconds).toBe(0);
    expect(actionsApp.jobs!.map((j) => [j.name, j.enabledByDefault])).toEqual([
      ['check_water_admin', true],
      ['send_pending_notifications', true],
    ]);
    const [n] = await t.services.db
      .insert(notifications)
      .values({ notification_type: 'mouse_training', title: 'queued', message: 'queued', send_at: '2025-01-01 00:00:00' })
      .returning();
    await t.patch(`/notifications/${n.id}`, { users: ['watcher'] });
    for (const job of actionsApp.jobs!) await job.run(t.services);
    const [row] = await t.services.db.select().from(notifications).where(eq(notifications.id, n.id));
    expect(row.status).toBe('sent');
    expect(sink.received.at(-1)!.data).toContain('Subject: [alyx] queued');
  });

  it('records failed deliveries and gives up after 3 attempts', async () => {
    sink.refuse.on = true;
    try {
      const [n] = await t.services.db
        .insert(notifications)
        .values({ notification_type: 'mouse_training', title: 'hello', message: 'hello', send_at: '2025-01-01 00:00:00' })
        .returning();
      const { userIdOf } = { userIdOf: async (u: string) => (await t.get(`/users/${u}`)).body.id as string };
      await t.patch(`/notifications/${n.id}`, { users: ['zmanning'] });
      expect(await userIdOf('zmanning')).toMatch(/-/);
      for (let i = 0; i < 3; i++) await sendPendingNotifications(env());
      const [row] = await t.services.db.select().from(notifications).where(eq(notifications.id, n.id));
      expect(row.status).toBe('no-send');
      expect((row.json as { failed_attempts: string[] }).failed_attempts).toHaveLength(3);
    } finally {
      sink.refuse.on = false;
    }
  });

  it('keeps notifications as to-send without SMTP, and deletes expired ones', async () => {
    const quiet = await startTestApp();
    try {
      await quiet.createUser('u1', { email: 'u1@example.org' });
      await quiet.post('/subjects', { nickname: 'm1', lab: 'cortexlab', responsible_user: 'u1' });
      await quiet.patch('/labs/cortexlab', { reference_weight_pct: 0.85 });
      await quiet.post('/weighings', { subject: 'm1', weight: 20, date_time: '2024-06-01T08:00:00' });
      await quiet.post('/water-restrictions', { subject: 'm1', start_time: '2024-06-01T09:00:00' });
      await quiet.post('/weighings', { subject: 'm1', weight: 10 });
      const list = (await quiet.get('/notifications')).body.results;
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ status: 'to-send', sent_at: null, json: null });
      const qenv = { db: quiet.services.db, config: quiet.config };
      expect(await sendPendingNotifications(qenv)).toEqual({ sent: 0, failed: 0 });
      expect(await deleteExpiredNotifications(qenv, 30, undefined, true)).toBe(0);
      const lines: string[] = [];
      const run = (args: string[]) => cli[0].run(quiet.services, args, (l) => lines.push(l));
      expect(await run(['delete-expired', '--n-days-old', '0', '--status', 'sent', '--dry-run'])).toBe(0);
      expect(await run(['delete-expired', '--bogus'])).toBe(2);
      expect(await run(['send'])).toBe(0);
      expect(lines).toEqual(['Dry run: 0 notifications found with status "sent"', 'error: unexpected argument --bogus', 'Sent 0 notifications, 0 failed']);
      expect(await deleteExpiredNotifications({ ...qenv, nowEpoch: Date.now() + 31 * 86_400_000 }, 30)).toBe(1);
      expect((await quiet.get('/notifications')).body.count).toBe(0);
    } finally {
      await quiet.close();
    }
  });
});

describe('delivery errors', () => {
  it('keeps why a send failed on the notification (read-only in the API), logs it, and clears it once sent', async () => {
    const [n] = await t.services.db
      .insert(notifications)
      .values({ notification_type: 'mouse_training', title: 'refused once', message: 'refused once', send_at: '2025-01-01 00:00:00' })
      .returning();
    await t.patch(`/notifications/${n.id}`, { users: ['zmanning'] });
    const lines: string[] = [];
    sink.refuse.on = true;
    try {
      await sendPendingNotifications({ ...env(), log: (line) => lines.push(line) });
    } finally {
      sink.refuse.on = false;
    }
    const [failed] = await t.services.db.select().from(notifications).where(eq(notifications.id, n.id));
    expect(failed.status).toBe('to-send');
    expect(failed.send_error).toMatch(/550 no such user/);
    expect((failed.json as { failed_attempts: string[] }).failed_attempts).toHaveLength(1);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^notification ${n.id} \\("refused once"\\) not sent: .*550 no such user`))]);
    const shown = await t.get(`/notifications/${n.id}`);
    expect(shown.body.send_error).toBe(failed.send_error);
    expect((await t.patch(`/notifications/${n.id}`, { send_error: 'typed by a client' })).body.send_error).toBe(failed.send_error);

    await sendPendingNotifications(env());
    const [sent] = await t.services.db.select().from(notifications).where(eq(notifications.id, n.id));
    expect(sent.status).toBe('sent');
    expect(sent.send_error).toBeNull();
  });

  it('reports a server that cannot be reached as a failure with its reason', async () => {
    const closed = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(port));
      });
    });
    const outcome = await deliverMail({ host: '127.0.0.1', port: closed, from: 'x@y' }, { to: ['a@example.org'], subject: 's', body: 'b' });
    expect(outcome).toMatchObject({ sent: false, error: expect.stringMatching(/ECONNREFUSED/) });
  });
});

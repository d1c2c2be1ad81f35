// A minimal SMTP client (RFC 5321; TLS on port 465; STARTTLS before AUTH PLAIN when credentials are
// configured, so a password never travels in clear) on node's `net`/`tls`: enough to hand welfare
// e-mails to the lab's mail relay without a dependency. Delivery failures are reported as `false`,
// never thrown (spec-core §4.1 e-mail rule).
import net from 'node:net';
import tls from 'node:tls';
import os from 'node:os';

export interface SmtpSettings {
  host: string;
  port: number;
  from: string;
  user?: string;
  password?: string;
}

export interface MailMessage {
  to: string[];
  subject: string;
  body: string;
}

const FOOTER = '\n\n--\nMessage sent automatically - please do not reply.';

/** Header-safe text: RFC 2047 encoded-word when not plain ASCII. */
function headerText(s: string): string {
  const oneLine = s.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(oneLine) ? oneLine : `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}

/** The message as sent in DATA (dot-stuffed, CRLF line ends). */
export function formatMessage(from: string, msg: MailMessage, date = new Date()): string {
  const body = (msg.body + FOOTER).replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
  return [
    `From: ${from}`,
    `To: ${msg.to.join(', ')}`,
    `Subject: ${headerText('[alyx] ' + msg.subject)}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    body,
  ].join('\r\n');
}

/**
 * Sends one message. Returns true on success, false on a delivery failure, null when there is
 * nothing to do (no SMTP settings, or no recipient left once empty addresses are dropped).
 */
export async function sendMail(settings: SmtpSettings | null, msg: MailMessage, timeoutMs = 10_000): Promise<boolean | null> {
  const to = msg.to.filter((a) => a && a.trim() !== '');
  if (!settings || to.length === 0 || process.env.DISABLE_MAIL) return null;
  try {
    await converse(settings, { ...msg, to }, timeoutMs);
    return true;
  } catch {
    return false;
  }
}

function converse(settings: SmtpSettings, msg: MailMessage, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // port 465 speaks TLS from the start; elsewhere STARTTLS protects the credentials
    let socket: net.Socket =
      settings.port === 465
        ? tls.connect({ host: settings.host, port: settings.port, servername: settings.host })
        : net.connect({ host: settings.host, port: settings.port });
    let buffer = '';
    let waiting: ((code: number, text: string) => void) | null = null;
    let done = false;
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      socket.destroy();
      reject(e);
    };
    const onData = (chunk: string) => {
      buffer += chunk;
      // a reply is complete at a line "NNN text" (no dash after the code)
      for (;;) {
        const m = /(^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(buffer);
        if (!m) break;
        const end = m.index + m[0].length;
        const reply = buffer.slice(0, end);
        buffer = buffer.slice(end);
        const cb = waiting;
        waiting = null;
        cb?.(Number(m[2]), reply);
      }
    };
    const attach = (s: net.Socket) => {
      s.setEncoding('utf8');
      s.setTimeout(timeoutMs, () => fail(new Error('SMTP timeout')));
      s.on('error', fail);
      s.on('close', () => fail(new Error('SMTP connection closed')));
      s.on('data', onData);
    };
    attach(socket);
    const expect = (ok: (code: number) => boolean) =>
      new Promise<string>((res, rej) => {
        waiting = (code, text) => (ok(code) ? res(text) : rej(new Error(`SMTP ${text.trim()}`)));
      });
    const command = (line: string, ok: (code: number) => boolean) => {
      const p = expect(ok);
      socket.write(line + '\r\n');
      return p;
    };
    const ok2 = (c: number) => c >= 200 && c < 300;
    const ehlo = `EHLO ${os.hostname() || 'localhost'}`;
    (async () => {
      await expect((c) => c === 220);
      let features = await command(ehlo, ok2);
      if (settings.user && !(socket instanceof tls.TLSSocket)) {
        if (!/^\d{3}[- ]STARTTLS\b/im.test(features)) throw new Error('SMTP server offers no STARTTLS; refusing to send the password in clear');
        await command('STARTTLS', (c) => c === 220);
        const plain = socket;
        plain.removeAllListeners('data');
        plain.removeAllListeners('close');
        plain.removeAllListeners('error');
        plain.setTimeout(0);
        socket = await new Promise<tls.TLSSocket>((res, rej) => {
          const secure = tls.connect({ socket: plain, servername: settings.host }, () => res(secure));
          secure.once('error', rej);
        });
        attach(socket);
        features = await command(ehlo, ok2);
      }
      if (settings.user) {
        const token = Buffer.from(`\0${settings.user}\0${settings.password ?? ''}`).toString('base64');
        await command(`AUTH PLAIN ${token}`, (c) => c === 235);
      }
      await command(`MAIL FROM:<${settings.from}>`, ok2);
      for (const rcpt of msg.to) await command(`RCPT TO:<${rcpt}>`, ok2);
      await command('DATA', (c) => c === 354);
      await command(formatMessage(settings.from, msg) + '\r\n.', ok2);
      done = true;
      socket.write('QUIT\r\n');
      socket.end();
      resolve();
    })().catch(fail);
  });
}

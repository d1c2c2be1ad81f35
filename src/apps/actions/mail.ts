// E-mail for welfare notifications, through nodemailer's SMTP transport. Port 465 speaks TLS from
// the start; on other ports credentials are only sent after STARTTLS (requireTLS), so a password
// never travels in clear. Authentication is nodemailer's (PLAIN or LOGIN, as the server offers),
// or XOAUTH2 when an access token is configured. A failed delivery is reported with its reason,
// never thrown (spec-core §4.1 e-mail rule): the caller records and logs it.
// nodemailer is loaded on first use: the server starts without it (bench:startup)
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';

export interface SmtpSettings {
  host: string;
  port: number;
  from: string;
  user?: string;
  password?: string;
  /** OAuth2 access token of `user` (XOAUTH2); takes the place of the password */
  accessToken?: string;
}

export interface MailMessage {
  to: string[];
  subject: string;
  body: string;
}

/** The result of one delivery attempt. */
export type MailOutcome = { sent: true } | { sent: false; error: string };

const FOOTER = '\n\n--\nMessage sent automatically - please do not reply.';
const IMPLICIT_TLS_PORT = 465;

/** Header-safe text: one RFC 2047 encoded-word for the whole subject when not plain ASCII. */
function headerText(s: string): string {
  const oneLine = s.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(oneLine) ? oneLine : `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}

function transportOptions(settings: SmtpSettings, timeoutMs: number): SMTPTransport.Options {
  const implicitTls = settings.port === IMPLICIT_TLS_PORT;
  const auth: SMTPTransport.Options['auth'] = !settings.user
    ? undefined
    : settings.accessToken
      ? { type: 'OAuth2', user: settings.user, accessToken: settings.accessToken }
      : { user: settings.user, pass: settings.password ?? '' };
  return {
    host: settings.host,
    port: settings.port,
    secure: implicitTls,
    requireTLS: !implicitTls && auth !== undefined,
    auth,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: 3 * timeoutMs,
  };
}

/** A transport to the configured server, the same for sending, `alyx doctor` and `alyx configure`. */
export async function smtpTransport(settings: SmtpSettings, timeoutMs: number): Promise<Transporter<SMTPTransport.SentMessageInfo>> {
  const { default: nodemailer } = await import('nodemailer');
  return nodemailer.createTransport(transportOptions(settings, timeoutMs));
}

/** Why a send failed, in one line (nodemailer's error code and message). */
function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && !e.message.startsWith(code) ? `${code}: ${e.message}` : e.message;
}

/**
 * Sends one message. Null when there is nothing to do (no SMTP settings, mail disabled, or no
 * recipient left once empty addresses are dropped); otherwise whether it was sent, and why not.
 */
export async function deliverMail(settings: SmtpSettings | null, msg: MailMessage, timeoutMs = 10_000): Promise<MailOutcome | null> {
  const to = msg.to.filter((a) => a && a.trim() !== '');
  if (!settings || to.length === 0 || process.env.DISABLE_MAIL) return null;
  const transport = await smtpTransport(settings, timeoutMs);
  try {
    await transport.sendMail({
      from: settings.from,
      to,
      // prepared: the whole subject is one encoded word (nodemailer would encode only the non-ASCII words)
      headers: { Subject: { prepared: true, value: headerText('[alyx] ' + msg.subject) } },
      text: msg.body + FOOTER,
    });
    return { sent: true };
  } catch (e) {
    return { sent: false, error: describeError(e) };
  } finally {
    transport.close();
  }
}

/** deliverMail, as true (sent), false (failed) or null (nothing to do). */
export async function sendMail(settings: SmtpSettings | null, msg: MailMessage, timeoutMs = 10_000): Promise<boolean | null> {
  const outcome = await deliverMail(settings, msg, timeoutMs);
  return outcome && outcome.sent;
}

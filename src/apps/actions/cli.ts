// Command-line entries of the actions app (upstream management commands, spec-core §4.18):
//   alyx notifications check            run the water and weighing checks of restricted subjects
//   alyx notifications send             send pending notifications (3 attempts, then no-send)
//   alyx notifications delete-expired [--n-days-old 30] [--status S] [--dry-run]
import type { AppCliCommand } from '../app.ts';
import { checkWaterRestrictedSubjects, deleteExpiredNotifications, sendPendingNotifications } from './notifications.ts';

const STATUSES = ['no-send', 'to-send', 'sent'];

export const cli: AppCliCommand[] = [
  {
    name: 'notifications',
    describe:
      'notifications check | send | delete-expired [--n-days-old N] [--status no-send|to-send|sent] [--dry-run]: ' +
      'welfare checks of water-restricted subjects, sending pending e-mails, and cleaning old notifications',
    async run(services, args, out = (line) => process.stdout.write(line + '\n')) {
      const env = { db: services.db, config: services.config };
      const [sub, ...rest] = args;
      if (sub === 'check') {
        const n = await checkWaterRestrictedSubjects(env);
        out(`Checked ${n} water-restricted subjects`);
        return 0;
      }
      if (sub === 'send') {
        const { sent, failed } = await sendPendingNotifications(env);
        out(`Sent ${sent} notifications, ${failed} failed`);
        return 0;
      }
      if (sub === 'delete-expired') {
        let days = 30;
        let status: string | undefined;
        let dry = false;
        for (let i = 0; i < rest.length; i++) {
          const a = rest[i];
          if (a === '--dry-run') dry = true;
          else if (a === '--n-days-old' && /^\d+$/.test(rest[i + 1] ?? '')) days = Number(rest[++i]);
          else if (a === '--status' && STATUSES.includes(rest[i + 1] ?? '')) status = rest[++i];
          else {
            out(`error: unexpected argument ${a}`);
            return 2;
          }
        }
        const n = await deleteExpiredNotifications(env, days, status, dry);
        const what = status ? ` with status "${status}"` : '';
        out(dry ? `Dry run: ${n} notifications found${what}` : `Deleted ${n} notifications${what}`);
        return 0;
      }
      out('usage: alyx notifications check | send | delete-expired [--n-days-old N] [--status S] [--dry-run]');
      return 2;
    },
  },
];

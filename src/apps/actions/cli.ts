// Command-line entries of the actions app (upstream management commands, spec-core §4.18):
//   alyx notifications check            run the water and weighing checks of restricted subjects
//   alyx notifications send             send pending notifications (3 attempts, then no-send)
//   alyx notifications delete-expired [--n-days-old 30] [--status S] [--dry-run]
import type { AppCliCommand } from '../app.ts';
import { appCommand } from '../../cli/args.ts';
import { checkWaterRestrictedSubjects, deleteExpiredNotifications, sendPendingNotifications } from './notifications.ts';

export const cli: AppCliCommand[] = [
  appCommand({
    name: 'notifications',
    describe: 'welfare checks of water-restricted subjects, sending pending e-mails, and cleaning old notifications',
    positionals: [{ name: 'ACTION', choices: ['check', 'send', 'delete-expired'] }],
    options: {
      'n-days-old': { type: 'integer', default: 30, describe: 'delete-expired: notifications older than this many days' },
      status: { type: 'string', choices: ['no-send', 'to-send', 'sent'], describe: 'delete-expired: only those with this status' },
      'dry-run': { type: 'boolean', describe: 'delete-expired: count, do not delete' },
    },
    async action(services, { values, positionals: [action] }, out) {
      const env = { db: services.db, config: services.config };
      if (action === 'check') {
        const n = await checkWaterRestrictedSubjects(env);
        out(`Checked ${n} water-restricted subjects`);
      } else if (action === 'send') {
        const { sent, failed } = await sendPendingNotifications(env);
        out(`Sent ${sent} notifications, ${failed} failed`);
      } else {
        const { status, 'dry-run': dry } = values;
        const n = await deleteExpiredNotifications(env, values['n-days-old'], status, dry);
        const what = status ? ` with status "${status}"` : '';
        out(dry ? `Dry run: ${n} notifications found${what}` : `Deleted ${n} notifications${what}`);
      }
    },
  }),
];

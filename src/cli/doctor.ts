// `alyx doctor`: every check of src/ops/doctor.ts, one line each, with the fix for each problem.
// Exit 1 when any check fails (warnings alone exit 0).
import { formatChecks, runDoctor } from '../ops/doctor.ts';
import { command } from './args.ts';

export const doctorCommand = command({
  name: 'doctor',
  describe: 'check the config, database, data-dir lock, repositories, SMTP, RabbitMQ, disk space and backups; say how to fix problems',
  options: {
    timeout: { type: 'integer', value: 'SECONDS', default: 5, describe: 'how long to wait for each network service' },
  },
  async run({ values }) {
    const checks = await runDoctor({ timeoutMs: Math.max(1, values.timeout) * 1000 });
    console.log(formatChecks(checks));
    return checks.some((c) => c.status === 'fail') ? 1 : 0;
  },
});

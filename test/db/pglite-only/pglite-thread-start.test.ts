// A database that cannot start on its worker thread: the start and every statement already sent
// fail with PGlite's reason (none waits forever), and closing still returns.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PGliteThread } from '../../../src/db/pglite-thread.ts';

describe('PGlite on a worker thread that cannot start', () => {
  it('rejects the start and the statements sent meanwhile, and closes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alyx-bad-pglite-'));
    fs.writeFileSync(path.join(dir, 'PG_VERSION'), '9\n'); // a data directory of another PostgreSQL
    try {
      const thread = PGliteThread.start({ dataDir: dir, startParams: [] });
      const statement = thread.query('select 1');
      const [start, query] = await Promise.allSettled([thread.ready, statement]);
      expect(start.status).toBe('rejected');
      expect(query.status).toBe('rejected');
      const reason = (start as PromiseRejectedResult).reason as Error;
      expect(reason.message).toMatch(/initiali[sz]e/i);
      expect((query as PromiseRejectedResult).reason).toBe(reason);
      await expect(thread.query('select 2')).rejects.toBe(reason);
      await thread.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

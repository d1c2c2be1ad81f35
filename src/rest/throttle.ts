// Upstream's burst throttle: N requests per minute per user (per client IP when anonymous).
// In memory, per process: enough for a single-lab server. 0 disables it.
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.ts';
import { throttleSubject } from './permissions.ts';

export function registerThrottle(app: FastifyInstance, perMinute: number): void {
  if (!perMinute) return;
  const windows = new Map<string, { start: number; count: number }>();
  app.addHook('preHandler', async (request, reply) => {
    const key = throttleSubject(request);
    const now = Date.now();
    let w = windows.get(key);
    if (!w || now - w.start >= 60_000) {
      w = { start: now, count: 0 };
      windows.set(key, w);
      if (windows.size > 10_000) for (const [k, v] of windows) if (now - v.start >= 60_000) windows.delete(k);
    }
    w.count++;
    if (w.count > perMinute) {
      const wait = Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
      reply.header('retry-after', String(wait));
      throw new ApiError(429, { detail: `Request was throttled. Expected available in ${wait} seconds.` });
    }
  });
}

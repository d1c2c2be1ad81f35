// Dispatch of new tasks to a Celery queue on the local RabbitMQ (127.0.0.1:5672, guest/guest).
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqp from 'amqplib';
import { startTestApp, type TestApp } from '../helpers.ts';
import { makeFixtures, type Fixtures } from '../experiments/fixtures.ts';
import { dispatchWaitingTasks } from '../../src/apps/jobs/dispatch.ts';

const BROKER = process.env.ALYX_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

let t: TestApp;
let f: Fixtures;
const queue = `alyx-test-${crypto.randomBytes(4).toString('hex')}`;
beforeAll(async () => {
  t = await startTestApp();
  f = await makeFixtures(t, 'dsp');
});
afterAll(async () => {
  const c = await amqp.connect(BROKER);
  const ch = await c.createChannel();
  await ch.deleteQueue(queue);
  await c.close();
  await t?.close();
});

async function drain(): Promise<amqp.GetMessage[]> {
  const c = await amqp.connect(BROKER);
  const ch = await c.createChannel();
  const out: amqp.GetMessage[] = [];
  for (;;) {
    const m = await ch.get(queue, { noAck: true });
    if (!m) break;
    out.push(m);
  }
  await c.close();
  return out;
}

describe('task dispatch', () => {
  it('sends nothing without a broker URL', async () => {
    await t.post('/tasks', { session: f.sessionId, name: 'Extract', executable: 'ibllib.pipes.Extract', data_repository: 'flatiron_dsp', arguments: { a: 1 } });
    expect(await dispatchWaitingTasks(t.services, queue)).toBe(0);
  });

  it('sends each Waiting task once as a Celery message', async () => {
    const services = { ...t.services, config: { ...t.services.config, rabbitmqUrl: BROKER } };
    await t.post('/tasks', { session: f.sessionId, name: 'Held', status: 'Held' });
    expect(await dispatchWaitingTasks(services, queue)).toBe(1);
    expect(await dispatchWaitingTasks(services, queue)).toBe(0);
    const msgs = await drain();
    expect(msgs).toHaveLength(1);
    const m = msgs[0];
    expect(m.properties.contentType).toBe('application/json');
    expect(m.properties.headers).toMatchObject({ lang: 'py', task: 'ibllib.pipes.Extract', retries: 0 });
    expect(m.properties.headers!.id).toBe(m.properties.correlationId);
    const [args, kwargs, embed] = JSON.parse(m.content.toString());
    expect(args).toEqual([]);
    const task = (await t.get('/tasks?name=Extract')).body.results[0];
    expect(kwargs).toEqual({
      task_id: task.id,
      name: 'Extract',
      session: f.sessionId,
      graph: null,
      executable: 'ibllib.pipes.Extract',
      arguments: { a: 1 },
      data_repository: 'flatiron_dsp',
    });
    expect(embed).toEqual({ callbacks: null, errbacks: null, chain: null, chord: null });
    // a task created later is sent by the next run
    await t.post('/tasks', { session: null, name: 'Compress' });
    expect(await dispatchWaitingTasks(services, queue)).toBe(1);
    const next = await drain();
    expect(next.map((x) => x.properties.headers!.task)).toEqual(['Compress']);
  });
});

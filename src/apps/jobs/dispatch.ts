// Optional dispatch of new tasks to a Celery queue over RabbitMQ (ALYX_RABBITMQ_URL). A scheduled
// job sends every Waiting task that has not been sent yet, after its creation is committed, as a
// Celery (protocol 2) message, then records it in jobs_taskdispatch: at-least-once, and nothing
// is lost while the broker is down. Without a broker URL nothing is sent.
//
// Message: task name = the task's `executable` (the worker class path, as ibllib fills it) or its
// `name`; kwargs = { task_id, name, session, graph, executable, arguments, data_repository }.
import crypto from 'node:crypto';
import os from 'node:os';
import { and, asc, eq, notExists, sql } from 'drizzle-orm';
import type { Services } from '../app.ts';
import { nowInZone } from '../../rest/values.ts';
import { dataRepositories } from '../data/tables.ts';
import { statusFromLabel } from './status.ts';
import { taskDispatches, tasks } from './tables.ts';

export const DEFAULT_QUEUE = 'celery';
const BATCH = 500;
const WAITING = statusFromLabel('Waiting')!;

interface PendingTask {
  id: string;
  name: string | null;
  session_id: string | null;
  graph: string | null;
  executable: string | null;
  arguments: unknown;
  data_repository: string | null;
  priority: number | null;
}

export interface CeleryMessage {
  content: Buffer;
  options: {
    contentType: string;
    contentEncoding: string;
    correlationId: string;
    deliveryMode: number;
    priority: number;
    headers: Record<string, unknown>;
  };
}

/** The Celery protocol-2 message for one task. */
export function celeryMessage(t: PendingTask): CeleryMessage {
  const kwargs = {
    task_id: t.id,
    name: t.name,
    session: t.session_id,
    graph: t.graph,
    executable: t.executable,
    arguments: t.arguments ?? {},
    data_repository: t.data_repository,
  };
  const id = crypto.randomUUID();
  return {
    content: Buffer.from(JSON.stringify([[], kwargs, { callbacks: null, errbacks: null, chain: null, chord: null }])),
    options: {
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      correlationId: id,
      deliveryMode: 2,
      priority: 0,
      headers: {
        lang: 'py',
        task: t.executable || t.name || 'alyx.task',
        id,
        root_id: id,
        parent_id: null,
        group: null,
        shadow: null,
        eta: null,
        expires: null,
        retries: 0,
        timelimit: [null, null],
        argsrepr: '()',
        kwargsrepr: JSON.stringify(kwargs),
        origin: `alyx@${os.hostname()}`,
        ignore_result: false,
      },
    },
  };
}

/** The next batch of Waiting tasks never sent, in the order workers should take them. */
function undispatchedTasks(db: Services['db']) {
  const sent = db.select({ task: taskDispatches.task }).from(taskDispatches).where(eq(taskDispatches.task, tasks.id));
  return db
    .select({
      id: tasks.id,
      name: tasks.name,
      session_id: tasks.session,
      graph: tasks.graph,
      executable: tasks.executable,
      arguments: tasks.arguments,
      data_repository: dataRepositories.name,
      priority: tasks.priority,
    })
    .from(tasks)
    .leftJoin(dataRepositories, eq(dataRepositories.id, tasks.data_repository))
    .where(and(eq(tasks.status, WAITING), notExists(sent)))
    .orderBy(sql`${tasks.level} nulls first`, sql`${tasks.priority} desc nulls last`, asc(tasks.datetime))
    .limit(BATCH);
}

/** Sends the Waiting tasks not sent yet; returns how many were sent. */
export async function dispatchWaitingTasks(services: Services, queue = DEFAULT_QUEUE): Promise<number> {
  const url = services.config.rabbitmqUrl;
  if (!url) return 0;
  const pending: PendingTask[] = await undispatchedTasks(services.db);
  if (!pending.length) return 0;
  const amqp = await import('amqplib');
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    for (const t of pending) {
      const m = celeryMessage(t);
      channel.sendToQueue(queue, m.content, m.options);
    }
    await channel.waitForConfirms();
    await channel.close();
  } finally {
    await connection.close();
  }
  const now = nowInZone(services.config.timeZone);
  await services.db
    .insert(taskDispatches)
    .values(pending.map((t) => ({ task: t.id, queue, dispatched_at: now })))
    .onConflictDoNothing();
  return pending.length;
}

// md5 of files in a worker thread, at a bounded rate (bytes per second over all files), so that
// hashing a share neither blocks the server's event loop nor saturates the file server.
// The worker's code is plain JavaScript evaluated by node:worker_threads: a .ts worker file would
// need the TypeScript loader inside the worker, which the test runner and `tsx` set up differently.
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const crypto = require('node:crypto');
const buf = Buffer.allocUnsafe(1 << 20);
let allowedAt = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
parentPort.on('message', async ({ id, file, bytesPerSecond }) => {
  let fd = null;
  try {
    const h = crypto.createHash('md5');
    fd = fs.openSync(file, 'r');
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      if (bytesPerSecond > 0) {
        // a token bucket without credit: idle time does not allow a later burst
        allowedAt = Math.max(allowedAt, Date.now()) + (n / bytesPerSecond) * 1000;
        const wait = allowedAt - Date.now();
        if (wait > 0) await sleep(wait);
      }
    }
    parentPort.postMessage({ id, hash: h.digest('hex') });
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
});
`;

export class Hasher {
  private worker: Worker | null = null;
  private nextId = 0;
  private pending = new Map<number, { resolve: (h: string) => void; reject: (e: Error) => void }>();

  constructor(private bytesPerSecond: number) {}

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on('message', (m: { id: number; hash?: string; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.hash) p.resolve(m.hash);
      else p.reject(new Error(m.error ?? 'hash failed'));
    });
    w.on('error', (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      this.worker = null;
    });
    this.worker = w;
    return w;
  }

  /** md5 of a file, lower-case hex */
  md5(file: string): Promise<string> {
    const w = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, file, bytesPerSecond: this.bytesPerSecond });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

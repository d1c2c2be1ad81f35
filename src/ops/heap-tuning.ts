// V8 heap settings of the server process: heap growth on the embedded database (set from inside the
// process), and the young generation's size on PostgreSQL (a flag of the command that starts it).
//
// Why: after each full collection V8 lets a heap grow to between 1.1 and 4 times what survived
// before the next one, more when collecting is cheap compared with the work between collections.
// Under load the server's heap kept ~26 MB alive but grew to ~110 MB between collections, with
// ~125 MB committed: the embedded server stood at 330-380 MB after the scale-1 load. Growth fixed at
// 1.5 times kept it at 270-300 MB for about 5% fewer requests a second on the heaviest list pages
// (bench/RESULTS.md, session 9). A PostgreSQL server, without the database in its process, stays
// at ~135 MB without it and keeps V8's default.
import v8 from 'node:v8';

/** V8 flags for a server process on the embedded database (none for PostgreSQL). */
export function heapFlagsFor(embedded: boolean): string[] {
  return embedded ? ['--heap-growing-percent=50'] : [];
}

/**
 * Applies them to this process. Call before the database's worker thread starts: V8's flags are
 * the process's, and this one is read at every full collection, of every thread's heap.
 */
export function tuneHeap(embedded: boolean): void {
  for (const flag of heapFlagsFor(embedded)) v8.setFlagsFromString(flag);
}

/**
 * Node flags for the command that starts a server (`node <flags> bin/alyx.mjs serve`): V8 sizes
 * the young generation when the process starts, so the server cannot set this itself. The systemd
 * unit of `alyx service install`, the Docker image and the benchmarks pass them; README, deployment.
 *
 * Why: on PostgreSQL the server's own thread is the bottleneck of the heaviest list pages. Under
 * 8 concurrent requests of the 250-subject list, a request's objects lived through two scavenges of
 * V8's default 16 MB semi-space and were promoted: ~75 scavenges and one full collection a second,
 * a tenth of the thread. A 32 MB semi-space: 230 -> 275 requests a second, p99 57 -> 50 ms, RSS
 * 190 -> 175 MB (bench/RESULTS.md, session 10). On the embedded database it also enlarged the
 * database thread's heap: 267 -> 382 MB for 6% more requests a second, so it is left out there.
 */
export function startFlagsFor(embedded: boolean): string[] {
  return embedded ? [] : ['--max-semi-space-size=32'];
}

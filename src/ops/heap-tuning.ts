// V8 heap growth for the server on the embedded database.
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
